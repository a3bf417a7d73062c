"""The help desk's changes to articles: notes, retirement, review dates, pins.

Each is one transaction with its audit row (app/staff/audit.py). Bad input is
`RefusedError` with a message for a person and the status to answer with: an unknown
article 404, a replacement that is itself retired 409, a note saved over someone
else's newer one 409 with both texts, a note over the size limit 413.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import Connection, Engine, delete, insert, select, update

from app.articles.ids import article_id as parse_id
from app.markup.rendering import SectionRenderer
from app.staff.audit import RefusedError, change, now_text, record
from app.staff.overlays import Note, Pin
from app.staff.pins import pin_key
from app.staff.tables import notes, pins, retired, reviews

MAX_NOTE = 4000
MAX_REASON = 300
Exists = Callable[[str], bool]


def known_article(text: str, exists: Exists, what: str = "article") -> str:
    """The canonical id of an article in the knowledge base, or RefusedError (404)."""
    found = parse_id(str(text).strip().removeprefix("KB").removeprefix("kb"))
    if found is None:
        raise RefusedError(f"{str(text)[:40]!r} is not an article id (like Q198704).")
    if not exists(found):
        raise RefusedError(f"There is no {what} {found} in this knowledge base.", 404)
    return found


def render_note(text: str) -> str:
    """Markdown to HTML, rendered and sanitised as help-desk articles are."""
    try:
        return SectionRenderer().render(text, archive=False)[0]
    except (RecursionError, ValueError) as error:
        raise RefusedError("The note could not be read as Markdown; simplify it.") from error


def _note_row(db: Connection, identifier: str) -> Note | None:
    row = db.execute(select(notes).where(notes.c.article_id == identifier)).first()
    return Note(**row._mapping) if row else None


def save_note(engine: Engine, identifier: str, text: str, revision: int, *, actor: str,
              exists: Exists) -> Note:
    """Write the note of an article over `revision` (0: there was none). A save over a
    revision that is no longer the latest is refused (409) with both texts, so two
    people editing at once never silently overwrite each other."""
    identifier = known_article(identifier, exists)
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise RefusedError("The note is empty; to take a note away, use “Remove the note”.")
    if len(text) > MAX_NOTE:
        raise RefusedError(f"A note is at most {MAX_NOTE:,} characters; this one has "
                      f"{len(text):,}.", 413)
    html = render_note(text)
    with change(engine) as db:
        before = _note_row(db, identifier)
        latest = before.revision if before else 0
        if latest != revision:
            raise RefusedError("Someone else saved this note while you were editing it.", 409,
                          theirs=before, mine=text)
        note = Note(identifier, text, html, actor, now_text(), latest + 1)
        values = {"text": text, "html": html, "author": actor, "updated": note.updated,
                  "revision": note.revision}
        if before is None:
            db.execute(insert(notes).values(article_id=identifier, **values))
        else:
            db.execute(update(notes).where(notes.c.article_id == identifier).values(**values))
        record(db, actor, "note.save", article_id=identifier,
               before=before.text if before else None, after=text)
    return note


def remove_note(engine: Engine, identifier: str, revision: int, *, actor: str) -> None:
    with change(engine) as db:
        before = _note_row(db, identifier)
        if before is None:
            raise RefusedError(f"{identifier} has no note to remove.", 404)
        if before.revision != revision:
            raise RefusedError("Someone else saved this note since you opened it.", 409,
                          theirs=before, mine="")
        db.execute(delete(notes).where(notes.c.article_id == identifier))
        record(db, actor, "note.remove", article_id=identifier, before=before.text)


def retire(engine: Engine, identifier: str, replacement: str, reason: str, *, actor: str,
           exists: Exists) -> None:
    """Mark an article outdated, with the article that replaces it (or none)."""
    identifier = known_article(identifier, exists)
    new = known_article(replacement, exists, "replacement") if replacement.strip() else None
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise RefusedError(f"The reason is at most {MAX_REASON} characters.", 413)
    if new == identifier:
        raise RefusedError("An article cannot replace itself.")
    with change(engine) as db:
        if new and db.execute(select(retired.c.article_id)
                              .where(retired.c.article_id == new)).first():
            raise RefusedError(f"The replacement {new} is itself retired; choose its "
                          "replacement, or bring it back first.", 409)
        pointing = sorted(db.execute(select(retired.c.article_id)
                                     .where(retired.c.replacement == identifier)).scalars())
        if pointing:
            raise RefusedError(f"{identifier} replaces {', '.join(pointing)}: give "
                          f"{'them' if len(pointing) > 1 else 'it'} another replacement "
                          "first.", 409)
        before = db.execute(select(retired).where(retired.c.article_id == identifier)).first()
        db.execute(delete(retired).where(retired.c.article_id == identifier))
        db.execute(insert(retired).values(article_id=identifier, replacement=new, reason=reason,
                                          author=actor, updated=now_text()))
        record(db, actor, "article.retire", article_id=identifier,
               before={"replacement": before.replacement, "reason": before.reason}
               if before else None,
               after={"replacement": new, "reason": reason})


def unretire(engine: Engine, identifier: str, *, actor: str) -> None:
    with change(engine) as db:
        before = db.execute(select(retired).where(retired.c.article_id == identifier)).first()
        if before is None:
            raise RefusedError(f"{identifier} is not retired.", 404)
        db.execute(delete(retired).where(retired.c.article_id == identifier))
        record(db, actor, "article.unretire", article_id=identifier,
               before={"replacement": before.replacement, "reason": before.reason})


def set_review(engine: Engine, identifier: str, due: str, *, actor: str,
               exists: Exists) -> None:
    """When the article is due for review (YYYY-MM-DD); "" takes the date away."""
    identifier = known_article(identifier, exists)
    if due.strip():
        try:
            due = date.fromisoformat(due.strip()).isoformat()
        except ValueError as error:
            raise RefusedError(f"{due[:20]!r} is not a date like 2027-03-31.") from error
    with change(engine) as db:
        before = db.execute(select(reviews.c.due)
                            .where(reviews.c.article_id == identifier)).scalar()
        db.execute(delete(reviews).where(reviews.c.article_id == identifier))
        if due:
            db.execute(insert(reviews).values(article_id=identifier, due=due, author=actor,
                                              updated=now_text()))
        record(db, actor, "article.review", article_id=identifier, before=before,
               after=due or None)


def add_pin(engine: Engine, text: str, identifier: str, *, actor: str, exists: Exists) -> Pin:
    """Pin an article as the answer for a code or a query's words (replacing the pin
    that was there for the same code or words)."""
    key = pin_key(text)
    identifier = known_article(identifier, exists)
    with change(engine) as db:
        if db.execute(select(retired.c.article_id)
                      .where(retired.c.article_id == identifier)).first():
            raise RefusedError(f"{identifier} is retired: pin its replacement instead.", 409)
        where = (pins.c.kind == key.kind) & (pins.c.key == key.key)
        before = db.execute(select(pins.c.article_id).where(where)).scalar()
        db.execute(delete(pins).where(where))
        now = now_text()
        pin_id = db.execute(insert(pins).values(
            kind=key.kind, key=key.key, typed=key.typed, article_id=identifier, author=actor,
            updated=now)).inserted_primary_key[0]
        record(db, actor, "pin.add", article_id=identifier, subject=key.typed,
               before=before, after=identifier)
    return Pin(pin_id, key.kind, key.key, key.typed, identifier, actor, now)


def remove_pin(engine: Engine, pin_id: int, *, actor: str) -> None:
    with change(engine) as db:
        before = db.execute(select(pins).where(pins.c.id == pin_id)).first()
        if before is None:
            raise RefusedError("That pin is gone already.", 404)
        db.execute(delete(pins).where(pins.c.id == pin_id))
        record(db, actor, "pin.remove", article_id=before.article_id, subject=before.typed,
               before=before.article_id)
