"""Search: reading the index (one searcher per thread), the query plan, spelling,
scoring, results pages, related articles and the articles carrying a code."""
