"""The index: its schema and format, generations swapped in atomically, the article
store beside it, and the builder that writes them."""
