"""What the index holds: the Whoosh schema, one article as index fields, and the
format version that says whether a built index can be read by this code.

Readers (app/search/) import this module and app/index/generations.py, never the
builder, so serving a page never loads the parser, the renderer or YAML.
"""

from __future__ import annotations

from datetime import datetime

from whoosh.analysis import ShingleFilter, StandardAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from app.articles.model import Article
from app.articles.sections import BOILERPLATE_SECTIONS, symptom_section
from app.codes.labels import written_mentions
from app.text.analysis import StemmingTokenizer

# Raised whenever what is written changes meaning (fields, analyzers, the stored
# article's shape, the module a pickled analyzer lives in): an index of another
# format is rebuilt, never misread.
# 20: a message option drops where the article says it shows ("From Windows 95",
#     "A MAC client:") and "(IIS 4.0 Error Message)"; of two joined by "Or", the first;
# 19: no message or symptom cut after "by another", "because", "but" and the like;
# 18: no INI lines, formula or "If a Windows 95 client:" note as a message;
# 17: no message template ("%1 errors were logged") as a message;
# 16: no situation "With Windows", none left hanging, none a status code; the program
#     "Video for Windows" keeps its name;
# 15: "Windows Services for UNIX" keeps its "for UNIX";
# 14: `Run-time error "6"` (the number in double quotes) is a code;
# 13: no situation that is a cause or ends a title cut at the archive's limit;
# 12: a symptom opening on what the person does may be up to 160 characters long;
# 11: the situation a title names ("When you print") is a fact;
# 10: no status line, list, event or article's note as a message; no set-up as a symptom;
# 9: a message option drops the article's tag and note, never several run together;
# 8: a symptom option says when the quoted message appears;
# 7: facts hold only what a person sees (messages, symptoms, programs);
# 6: article ids beside the arrays; 5: snippets' excerpts in the store; 4: `mentions`
FORMAT_VERSION = 20


def make_schema() -> Schema:
    """One schema for indexing and for analysing what a user types (app/search.py).

    `pairs` holds adjacent stemmed words of the title, symptoms and messages
    ("log~pop3", "pop3~server"): matching them ranks a phrase above scattered words
    at the cost of a term lookup, where a positional phrase query over the archive
    costs a second. `extra` is what is about an article rather than in it (keywords,
    "Additional query words", the titles it refers to): weighed low, but an error
    code written there still finds the article. `mentions` and `mentions_extra` hold
    the codes the text (and the extra) writes as two words ("error~1603", see
    app/codes/labels.py): with them no search needs word positions, so none are
    stored, which saves a third of the postings. The date is only shown, never
    searched: an indexed date is eight terms an article for range queries nobody makes.
    """
    words = StemmingTokenizer()
    exact = StandardAnalyzer(minsize=1, stoplist=None)
    return Schema(
        id=ID(stored=True, unique=True),
        permalink=STORED(),
        title=TEXT(analyzer=words, stored=True, phrase=False),
        symptoms=TEXT(analyzer=words, phrase=False),
        body=TEXT(analyzer=words, phrase=False),
        messages=TEXT(analyzer=exact, phrase=False),
        codes=KEYWORD(lowercase=True, commas=True, scorable=True, stored=True),
        mentions=KEYWORD(),
        mentions_extra=KEYWORD(),
        products=KEYWORD(commas=True, stored=True),
        applies=TEXT(analyzer=words, phrase=False),
        extra=TEXT(analyzer=words, phrase=False),
        pairs=TEXT(analyzer=StemmingTokenizer() | ShingleFilter(2, sep="~"),
                   phrase=False),
        date=STORED(),
    )


def same_schema(built: Schema, current: Schema) -> bool:
    """Whether an index built earlier has the fields this code writes and reads, each
    analysed the same way (a changed analyzer gives other terms for the same text)."""
    return sorted(built.names()) == sorted(current.names()) and all(
        type(built[name]) is type(current[name])
        and getattr(built[name], "analyzer", None) == getattr(current[name], "analyzer", None)
        for name in current.names()
    )


_VOCABULARY_WORDS = StandardAnalyzer()


def vocabulary(article: Article) -> frozenset[str]:
    """The words of an article that "did you mean" may suggest, unstemmed.

    Kept in the article store rather than as a Whoosh field: as a field it was a
    sixth of all postings, and postings are most of the build; "did you mean" only
    ever asks how many articles use a word.
    """
    return frozenset(
        token.text for token in _VOCABULARY_WORDS(_salient_text(article)) if token.text.isalpha()
    )


def _salient_text(article: Article) -> str:
    """The title, the symptoms and the quoted messages: what a user would type."""
    symptoms = symptom_section(article)
    return "\n".join([article.title, symptoms.text if symptoms else "", *article.messages])


TEXT_FIELDS = ("title", "symptoms", "body", "messages")  # what `mentions` is read from


def index_document(article: Article) -> dict:
    """The Whoosh fields of one article: symptoms apart so they can weigh more."""
    symptoms = symptom_section(article)
    body = [
        section.text
        for section in article.sections
        if section is not symptoms and section.title.upper() not in BOILERPLATE_SECTIONS
    ]
    modified = article.last_modified
    document = {
        "id": article.id,
        "permalink": article.permalink,
        "title": article.title,
        "symptoms": symptoms.text if symptoms else "",
        "body": "\n".join(body),
        "messages": "\n".join(article.messages),
        "codes": ",".join(article.codes),
        "products": ",".join(article.products),
        "applies": "\n".join([*article.products, *article.applies_to, *article.versions,
                              *article.operating_systems]),
        "extra": "\n".join([" ".join(article.keywords), " ".join(article.query_words),
                             *(section.text for section in article.sections
                               if section.title.upper() in BOILERPLATE_SECTIONS)]),
        "pairs": _salient_text(article),
        **({"date": datetime(modified.year, modified.month, modified.day)} if modified else {}),
    }
    mentions = set().union(*(_mentions(name, document[name]) for name in TEXT_FIELDS))
    return {**document, "mentions": " ".join(sorted(mentions)),
            "mentions_extra": " ".join(sorted(_mentions("extra", document["extra"])))}


_SCHEMA = make_schema()


def _mentions(fieldname: str, text: str) -> set[str]:
    """The codes a field writes as two words, in that field's own words."""
    analyzer = _SCHEMA[fieldname].analyzer
    return written_mentions(text, lambda part: (token.text for token in analyzer(part)))
