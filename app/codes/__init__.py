"""Error codes: reference tables, recognising codes in text, decoding them, and every
spelling and label of a code."""
