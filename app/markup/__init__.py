"""Markup: the archive's text as a Python-Markdown extension, Markdown to safe HTML
with the blocks the wizard walks, and search words marked in article HTML."""
