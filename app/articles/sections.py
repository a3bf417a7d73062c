"""Which section of an article plays which part: one definition for the index,
search and the wizard."""

from __future__ import annotations

from app.articles.model import Article, Section

# What happens, as the person sees it: weighed above the body by search, quoted by
# the wizard. An article without one is summed up by its first section.
SYMPTOM_SECTIONS = ("SYMPTOMS", "SUMMARY", "SYMPTOM")
# What to do about it, walked step by step by the wizard; STATUS only where there is
# nothing else (it often just says "Microsoft has confirmed this to be a problem").
FIX_SECTIONS = ("RESOLUTION", "WORKAROUND", "SOLUTION", "HOW TO FIX", "FIX", "STATUS")
# Why it happens: quoted beside the symptom when the wizard shows a fix.
CAUSE_SECTION = "CAUSE"
# Lists of other articles: about an article rather than in it.
BOILERPLATE_SECTIONS = frozenset({"REFERENCES"})


def symptom_section(article: Article) -> Section | None:
    """The symptoms, else the summary, else the first section."""
    for name in SYMPTOM_SECTIONS:
        found = article.section(name)
        if found is not None:
            return found
    return article.sections[0] if article.sections else None


def cause_section(article: Article) -> Section | None:
    return article.section(CAUSE_SECTION)


EXCERPT_SECTIONS = 2
EXCERPT_CHARS = 1500  # of each: a snippet is about what happens, found early


def excerpt(article: Article) -> list[str]:
    """What a search result's snippet is drawn from: the symptom sections, then the
    others, the first EXCERPT_SECTIONS of them, each cut at EXCERPT_CHARS."""
    ordered = sorted(range(len(article.sections)), key=lambda at: (
        article.sections[at].title.upper() not in SYMPTOM_SECTIONS, at))
    return [article.sections[at].text[:EXCERPT_CHARS] for at in ordered[:EXCERPT_SECTIONS]]
