"""What the help desk adds over an archive it does not own: staff accounts, notes on
articles, retired articles, review dates, pins, and the audit log of every change.

Kept in the activity database (SQLite or PostgreSQL), keyed by article id, never in
article files, so they survive a rebuilt index and a replaced archive. No Flask here:
the web layer (app/web/staff*.py) and the CLI call these plain functions.
"""
