"""The help desk's own articles and decision trees, written in the browser.

Published articles live in the activity database (SQLite or PostgreSQL), every
publish a numbered version with its author, time and summary; drafts are kept apart
until published. The stored text is the file format the loader reads (Markdown with
YAML front matter, and a `tree.yaml`), so an exported folder, an imported one and
what the index run reads are byte for byte the same. No Flask here: the web layer
(app/web/staff_articles.py) and the CLI call these plain functions.
"""
