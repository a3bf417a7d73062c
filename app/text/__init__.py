"""Words and names every layer shares: how text is split into words, and slugs."""
