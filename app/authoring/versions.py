"""Drafts, publishing, history, revert and delete of the help desk's own articles.

Every publish, revert and delete is a new numbered version (author, time, a one-line
summary), in one transaction with the article's published state and an audit row
(app/staff/audit.py): nothing is ever overwritten, so any version can be brought
back. A save names the version it was edited from; when another one was published
meanwhile it is refused (409) with both texts, never a silent overwrite. Two saves
racing past that check still cannot both land: (article, number) is unique.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.activity.database import ensure_schema, writer
from app.articles.ids import article_id
from app.authoring.tables import articles, drafts, versions
from app.staff.audit import RefusedError, now_text, record

MAX_SUMMARY = 200


@dataclass(frozen=True)
class Version:
    id: int
    article_id: str
    number: int
    action: str
    author: str
    at: str
    summary: str
    source: str
    tree: str

    @property
    def deleted(self) -> bool:
        return self.action == "delete"


@dataclass(frozen=True)
class Draft:
    article_id: str
    author: str
    base: int
    source: str
    tree: str
    updated: str


def counter(engine: Engine) -> int:
    """Raised by every publish, revert and delete on any instance: one indexed read."""
    ensure_schema(engine)
    with engine.connect() as db:
        return int(db.execute(select(func.max(versions.c.id))).scalar() or 0)


def _latest(db: Connection, identifier: str) -> Version | None:
    row = db.execute(select(versions).where(versions.c.article_id == identifier)
                     .order_by(versions.c.number.desc()).limit(1)).first()
    return Version(**row._mapping) if row else None


def latest(engine: Engine, identifier: str) -> Version | None:
    """The newest version of an article (a delete too), or None if never published."""
    ensure_schema(engine)
    with engine.connect() as db:
        return _latest(db, identifier)


def version(engine: Engine, identifier: str, number: int) -> Version:
    ensure_schema(engine)
    with engine.connect() as db:
        row = db.execute(select(versions).where((versions.c.article_id == identifier)
                                                & (versions.c.number == number))).first()
    if row is None:
        raise RefusedError(f"{identifier} has no version {number}.", 404)
    return Version(**row._mapping)


def history(engine: Engine, identifier: str) -> list[Version]:
    """Every version of an article, the newest first."""
    ensure_schema(engine)
    with engine.connect() as db:
        return [Version(**row._mapping) for row in db.execute(
            select(versions).where(versions.c.article_id == identifier)
            .order_by(versions.c.number.desc()))]


def published(engine: Engine) -> list[Version]:
    """The version of every article published now (deleted ones left out), by id."""
    ensure_schema(engine)
    query = (select(versions).join(articles, (articles.c.article_id == versions.c.article_id)
                                   & (articles.c.version == versions.c.number))
             .where(articles.c.deleted == 0).order_by(versions.c.article_id))
    with engine.connect() as db:
        return [Version(**row._mapping) for row in db.execute(query)]


def authored_ids(engine: Engine) -> set[str]:
    """Every id the editor has ever published (deleted ones too: the id stays theirs)."""
    ensure_schema(engine)
    with engine.connect() as db:
        return set(db.execute(select(articles.c.article_id)).scalars())


def _summary(text: str, fallback: str) -> str:
    summary = " ".join(str(text).split()) or fallback
    if len(summary) > MAX_SUMMARY:
        raise RefusedError(f"The summary is one line of at most {MAX_SUMMARY} characters.")
    return summary


def _write(engine: Engine, identifier: str, base: int, *, action: str, author: str,
           summary: str, source: str, tree: str, title: str, mine: str = "") -> Version:
    """One new version over `base`, the article's state and the audit row, together."""
    ensure_schema(engine)
    try:
        with writer(engine).begin() as db:
            before = _latest(db, identifier)
            if (before.number if before else 0) != base:
                raise RefusedError(
                    f"{before.author if before else 'Someone'} published {identifier} while "
                    "you were editing it: nothing of yours was saved over it. Compare the "
                    "two, merge them into the form and publish again.", 409,
                    theirs=before, mine=mine or source)
            new = Version(0, identifier, base + 1, action, author, now_text(), summary,
                          source, tree)
            values = {key: value for key, value in vars(new).items() if key != "id"}
            new_id = db.execute(insert(versions).values(**values)).inserted_primary_key[0]
            state = {"version": new.number, "deleted": int(action == "delete"),
                     "title": title, "updated": new.at}
            if before is None:
                db.execute(insert(articles).values(article_id=identifier, **state))
            else:
                db.execute(update(articles).where(articles.c.article_id == identifier)
                           .values(**state))
            db.execute(delete(drafts).where((drafts.c.article_id == identifier)
                                            & (drafts.c.author == author)))
            record(db, author, f"authored.{action}", article_id=identifier, subject=summary,
                   before=before.number if before else None, after=new.number)
    except IntegrityError:   # another instance wrote the same number first
        raise RefusedError(f"Someone published {identifier} at the same moment; reload "
                           "it and publish again.", 409, theirs=latest(engine, identifier),
                           mine=mine or source) from None
    return replace(new, id=new_id)


def publish(engine: Engine, identifier: str, source: str, tree: str, *, base: int,
            author: str, summary: str, title: str) -> Version:
    """Publish this text (already read and checked by the caller) over version `base`
    (0: a new article). The id must be a canonical article id."""
    if article_id(identifier) != identifier:
        raise RefusedError(f"{identifier[:20]!r} is not an article id.")
    return _write(engine, identifier, base, action="publish", author=author,
                  summary=_summary(summary, "Published"), source=source, tree=tree,
                  title=title)


def revert(engine: Engine, identifier: str, number: int, *, base: int, author: str,
           summary: str = "") -> Version:
    """Bring back version `number` as a new version (a deleted one: delete again)."""
    old = version(engine, identifier, number)
    current = latest(engine, identifier)
    title = _title_of(engine, identifier) if current else ""
    return _write(engine, identifier, base, action="delete" if old.deleted else "revert",
                  author=author, summary=_summary(summary, f"Back to version {number}"),
                  source=old.source, tree=old.tree, title=title)


def remove(engine: Engine, identifier: str, *, base: int, author: str,
           summary: str = "") -> Version:
    """Delete: a version with no text (search and the wizard drop the article); revert
    brings it back."""
    current = latest(engine, identifier)
    if current is None or current.deleted:
        raise RefusedError(f"{identifier} is not published.", 404)
    return _write(engine, identifier, base, action="delete", author=author,
                  summary=_summary(summary, "Deleted"), source="", tree="",
                  title=_title_of(engine, identifier))


def _title_of(engine: Engine, identifier: str) -> str:
    with engine.connect() as db:
        return str(db.execute(select(articles.c.title)
                              .where(articles.c.article_id == identifier)).scalar() or "")


def save_draft(engine: Engine, identifier: str, source: str, tree: str, *, base: int,
               author: str) -> Draft:
    """Keep this text for its author without publishing it (one draft per article and
    author, replaced by the next save)."""
    ensure_schema(engine)
    draft = Draft(identifier, author, base, source, tree, now_text())
    with writer(engine).begin() as db:
        db.execute(delete(drafts).where((drafts.c.article_id == identifier)
                                        & (drafts.c.author == author)))
        db.execute(insert(drafts).values(**vars(draft)))
    return draft


def draft_of(engine: Engine, identifier: str, author: str) -> Draft | None:
    ensure_schema(engine)
    with engine.connect() as db:
        row = db.execute(select(drafts).where((drafts.c.article_id == identifier)
                                              & (drafts.c.author == author))).first()
    return Draft(**row._mapping) if row else None


def discard_draft(engine: Engine, identifier: str, author: str) -> None:
    ensure_schema(engine)
    with writer(engine).begin() as db:
        db.execute(delete(drafts).where((drafts.c.article_id == identifier)
                                        & (drafts.c.author == author)))


@dataclass(frozen=True)
class Listed:
    article_id: str
    title: str
    version: int
    deleted: bool
    updated: str
    draft: bool


def listing(engine: Engine, author: str) -> list[Listed]:
    """Every authored article with its state, and whether `author` has a draft of it
    (drafts of articles never published are listed too)."""
    ensure_schema(engine)
    with engine.connect() as db:
        mine = set(db.execute(select(drafts.c.article_id)
                              .where(drafts.c.author == author)).scalars())
        rows = {row.article_id: Listed(row.article_id, row.title, row.version,
                                       bool(row.deleted), row.updated, row.article_id in mine)
                for row in db.execute(select(articles))}
        for row in db.execute(select(drafts).where(drafts.c.author == author)):
            if row.article_id not in rows:
                rows[row.article_id] = Listed(row.article_id, "", 0, False, row.updated, True)
    return sorted(rows.values(), key=lambda item: item.updated, reverse=True)
