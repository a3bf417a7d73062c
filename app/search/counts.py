"""How many of a search's articles each product has: true counts, not a top page's.

Each product's articles come from the postings arrays (one array of docnums per
product, a few hundred in all, kept with the postings), so counting a search's
matches per product is a few hundred vectorised lookups, a millisecond or two on the
archive.
"""

from __future__ import annotations

import numpy as np
from whoosh.searching import Searcher

from app.search.scoring import postings_of


def product_counts(searcher: Searcher, matched: np.ndarray) -> list[tuple[str, int]]:
    """(product, articles of `matched` about it), most first, then by name."""
    counts = [(product, int(matched[docnums].sum()))
              for product, docnums in postings_of(searcher).by_product()]
    return sorted(((p, n) for p, n in counts if n), key=lambda item: (-item[1], item[0]))
