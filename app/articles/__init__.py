"""Articles: reading files of either format into one `Article`, ids and permalinks,
which section is which, what each article says about itself, and authored trees."""
