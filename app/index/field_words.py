"""The postings of one document's field, counted without Whoosh's token chain where
the field is analysed by `StemmingTokenizer` (app/text/analysis.py) alone, or by it
and a two-word `ShingleFilter` (the word pairs), or by the words lower-cased (the
messages): what a full build's segment writers (app/index/segments.py) add for most
of an article's words.

`FieldType.index` hands each word down a chain of generators as a Token object, and
the pairs' filter copies every token: over the archive that was about a fifth of
the build. Here the same words are found by one regular expression and counted with
a Counter: the same terms, frequencies, weights and values. And the pairs of the
title, the symptoms and the messages (app/index/schema.py) start with the title's
and the symptoms' words, which their own fields find anyway: they are found once.
The words of a text cut at a line break are the words of its two parts, since no
word of the tokenizer's expression holds a line break. tests/index/test_segments.py
compares all of it with Whoosh's own analysis.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.analysis.filters import LowercaseFilter
from whoosh.analysis.intraword import ShingleFilter
from whoosh.analysis.tokenizers import RegexTokenizer, default_pattern
from whoosh.formats import Frequency
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

from app.text.analysis import StemmingTokenizer

# The tokenizer's expression without its capturing group, for `findall`: the same
# matches, as strings.
_WORDS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*", default_pattern.flags)
_KNOWN_PATTERN = (r"[\w\*]+(\.?[\w\*]+)*", default_pattern.flags)
# The fields whose words start a document's pairs, in this order, each followed by a
# line break (app/index/schema.py `_salient_text`).
PAIRS_START = ("title", "symptoms")


def _known(tokenizer) -> bool:
    return (type(tokenizer) is StemmingTokenizer
            and (tokenizer.expression.pattern, tokenizer.expression.flags) == _KNOWN_PATTERN)


def words(tokenizer: StemmingTokenizer, text: str) -> list[str]:
    """What `tokenizer(text)` gives as token texts (removing stop words, as indexing
    does)."""
    stops, minsize, stems = tokenizer.stops, tokenizer.minsize, tokenizer._stems
    found = []
    for word in _WORDS.findall(text):
        word = word.lower()
        if len(word) >= minsize and word not in stops:
            stemmed = stems.get(word)
            if stemmed is None:
                stemmed = stems[word] = stem(word)
            found.append(stemmed)
    return found


def counted(field, value, fields: dict, seen: dict) -> list | None:
    """`list(field.index(value))` for a field this knows the analysis of, else None.

    `seen` holds the words found so far in this document's texts (by text and the
    tokenizer's settings), for the pairs' start and the fields it is taken from,
    whichever comes first."""
    if not isinstance(value, str) or type(field.format) is not Frequency:
        return None
    analyzer = field.analyzer
    if _known(analyzer):
        found = _seen_words(analyzer, value, seen)
    elif type(analyzer) is not CompositeAnalyzer or len(analyzer.items) != 2:
        return None
    elif (_known(analyzer.items[0]) and type(analyzer.items[1]) is ShingleFilter
            and analyzer.items[1].size == 2):
        found = _pairs(_pair_words(analyzer.items[0], value, fields, seen),
                       analyzer.items[1].sep)
    elif (type(analyzer.items[0]) is RegexTokenizer and not analyzer.items[0].gaps
            and (analyzer.items[0].expression.pattern, analyzer.items[0].expression.flags)
            == _KNOWN_PATTERN and type(analyzer.items[1]) is LowercaseFilter):
        # StandardAnalyzer(stoplist=None), the messages': every word, lower-cased.
        found = [word.lower() for word in _WORDS.findall(value)]
    else:
        return None
    boost = field.format.field_boost
    # Frequency.word_values: the weight is the sum of the tokens' boosts (each 1.0)
    # times the field's boost, the value the frequency.
    return [(text.encode("utf-8"), count, float(count) * boost, pack_uint(count))
            for text, count in Counter(found).items()]


def _seen_words(tokenizer, text: str, seen: dict) -> list[str]:
    key = (text, tokenizer.minsize, tokenizer.stops)
    found = seen.get(key)
    if found is None:
        found = seen[key] = words(tokenizer, text)
    return found


def _pair_words(tokenizer, value: str, fields: dict, seen: dict) -> list[str]:
    """The words of the pairs' text; those of its start, when it is the PAIRS_START
    fields' texts, taken from (or left in) `seen`."""
    parts = [fields.get(name) for name in PAIRS_START]
    if not all(isinstance(part, str) for part in parts):
        return words(tokenizer, value)
    start = "\n".join(parts)
    if value != start and not value.startswith(start + "\n"):
        return words(tokenizer, value)
    found: list[str] = []
    for part in parts:
        found.extend(_seen_words(tokenizer, part, seen))
    found.extend(words(tokenizer, value[len(start):]))
    return found


def _pairs(found: list[str], sep: str) -> list[str]:
    """ShingleFilter(2, sep): each word joined to the next; a lone word as it is."""
    if len(found) < 2:
        return found
    return [sep.join(pair) for pair in itertools.pairwise(found)]
