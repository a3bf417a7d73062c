"""An incremental index run: the files that changed since the last run, into the live
generation in place (app/index/build.py decides between this and a full build).

It commits in one order: it first writes the paths it is about to apply to
`APPLYING` in the generation, then commits Whoosh, then the article store (WAL:
readers see the old state until then), then removes `APPLYING`. A run killed anywhere
leaves the last good state serving, and the next run finds `APPLYING` and reads those
paths again, so the store and Whoosh never stay apart.

Duplicate ids: the file whose path sorts first holds the id; a file that lost its id
is read again each run, so that it gets in when the holder goes or changes its id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from app.index.parsing import Parsed, parse_all
from app.index.runs import (
    DUPLICATE_PREFIX,
    BuildReport,
    IndexRun,
    duplicate_reason,
    lost_id,
    writing,
)
from app.index.schema import vocabulary
from app.index.store import ArticleStore, FileState
from app.index.upkeep import (
    APPLYING_FILE,
    WRITER_POOL_MB,
    merge_small_in_order,
    read_applying,
    write_applying,
)

Item = tuple[str, int, int]   # a file to read: relative path, mtime_ns, size


@dataclass(frozen=True)
class Changes:
    """What an incremental run has to do: the files to read (sorted) and the files
    gone, against what the store says of the last run."""

    changed: list[Item]
    removed: list[str]


def update_in_place(run: IndexRun) -> BuildReport:
    """The changed files into the live generation `run.target`; the files a killed
    run may have applied to Whoosh but not to the store are read again. In a run
    scoped to a folder (`run.files` is that folder's scan), the files outside it are
    taken as the store recorded them, and only those it must compare are read."""
    applying = read_applying(run.target)
    store = ArticleStore(run.target)
    try:
        known = _known(store, run.scope, applying)
        outside = store.count_files_outside(run.scope) if run.scope else 0
    finally:
        store.close()
    present = len(run.files) + outside
    if run.scope:
        recorded = {path: (state.mtime_ns, state.size) for path, state in known.items()
                    if not path.startswith(f"{run.scope}/")}
        run = replace(run, files={**recorded, **run.files})
    for path in applying:
        if path in known:
            state = known[path]
            known[path] = FileState(-1, -1, state.article_id, state.skipped)
    changes = changes_since(run.files, known)
    report = BuildReport(unchanged=present - len(changes.changed))
    # Files skipped last time stay skipped (and reported) until they change.
    changed_paths = {path for path, _, _ in changes.changed}
    report.skipped = [(path, state.skipped) for path, state in known.items()
                      if state.skipped and path in run.files and path not in changed_paths]
    if changes.changed or changes.removed:
        _apply_changes(run, known, changes, report)
        report.skipped = sorted(set(report.skipped))
    report.repaired = len([path for path in applying if path in run.files])
    return report


def _known(store: ArticleStore, scope: str | None, applying: list[str]
           ) -> dict[str, FileState]:
    """What the store says of the files this run compares: every file; or in a run
    scoped to a folder, those in it, those a killed run was applying, and those that
    lost their id with those ids' holders (any other holder is looked up when a file
    read claims its id: `_Update.owner`)."""
    if not scope:
        return store.file_states()
    known = store.file_states(scope)
    known.update(store.states_of(applying))
    waiting = store.states_skipped_with(DUPLICATE_PREFIX)
    known.update(waiting)
    holders = (store.path_of(lost_id(state.skipped) or "") for state in waiting.values())
    known.update(store.states_of(path for path in holders if path))
    return known


def changes_since(files: dict[str, tuple[int, int]], known: dict[str, FileState]) -> Changes:
    """The files new, changed or waiting for an id since the last run, and those gone."""
    holders = {state.article_id: path for path, state in known.items() if state.article_id}
    changed = sorted(
        (path, mtime, size)
        for path, (mtime, size) in files.items()
        if path not in known or (known[path].mtime_ns, known[path].size) != (mtime, size)
        # A file that lost its id to another is read again each run: it gets in
        # when the holder goes or changes its id.
        or _waits_for_id(known[path], path, files, holders)
    )
    return Changes(changed, [path for path in known if path not in files])


def _waits_for_id(state: FileState, path: str, files: dict[str, tuple[int, int]],
                  holders: dict[str, str]) -> bool:
    """Whether a file that lost its id may hold it now: its holder is gone, or no
    longer sorts first."""
    article_id = lost_id(state.skipped)
    if article_id is None:
        return False
    holder = holders.get(article_id)
    return holder is None or holder not in files or holder > path


def _apply_changes(run: IndexRun, known: dict[str, FileState], changes: Changes,
                   report: BuildReport) -> None:
    store = ArticleStore(run.target)
    writer = run.ix.writer(limitmb=WRITER_POOL_MB)
    update = _Update(run, known, store, writer, report)
    with writing(writer, store):
        update.remove(changes.removed)
        update.read(changes.changed)
        store.count_words(update.words)
        write_applying(run.target, [path for path, _, _ in changes.changed] + changes.removed)
        writer.commit(mergetype=merge_small_in_order)
        update.keep_one_of_each_taken()
        store.commit()
        (run.target / APPLYING_FILE).unlink(missing_ok=True)


class _Update:
    """The changes applied: the store, the Whoosh writer, and the word counts and id
    holders as this run changes them."""

    def __init__(self, run: IndexRun, known: dict[str, FileState], store: ArticleStore,
                 writer, report: BuildReport) -> None:
        self.run, self.known, self.store, self.writer = run, known, store, writer
        self.report = report
        self.words: Counter[str] = Counter()  # articles per word, as this run changes them
        self.added: dict[str, frozenset[str]] = {}  # words of articles this run stored, by file
        self.owners: dict[str, str] = {}  # the holder of each id, as this run decides
        self.taken: dict[str, dict] = {}   # ids taken over in this run -> the holder's document

    def owner(self, article_id: str) -> str | None:
        """The file that holds an id, as this run decides. A scoped run did not read
        the holders outside its folder: such a holder is read from the store when a
        file claims its id, and is compared like the others from then on."""
        if article_id not in self.owners and self.run.scope:
            path = self.store.path_of(article_id)
            state = self.store.states_of([path]).get(path) if path else None
            if path and state is not None:
                self.known[path] = state
                self.run.files.setdefault(path, (state.mtime_ns, state.size))
                self.owners[article_id] = path
        return self.owners.get(article_id)

    def retire(self, path: str) -> None:
        """Take the article a file held out of the word counts, before it goes."""
        if path in self.added:
            self.words.subtract(self.added.pop(path))
            return
        state = self.known.pop(path, None)
        old = self.store.get(state.article_id) if state and state.article_id else None
        if old is not None:
            self.words.subtract(vocabulary(old))

    def remove(self, removed: list[str]) -> None:
        """The files gone: their articles out of the store and Whoosh."""
        for path in removed:
            self.retire(path)
            article_id = self.store.forget_file(path)
            if article_id:
                self.writer.delete_by_term("id", article_id)
                self.report.deleted += 1
        self.owners = {state.article_id: path for path, state in self.known.items()
                       if state.article_id and path in self.run.files}

    def read(self, changed: list[Item]) -> None:
        """The changed files read and applied; a file whose id's holder is read in this
        run too waits for it, then all that waited in path order."""
        pending = {path for path, _, _ in changed}
        deferred: list[Parsed] = []
        for done, parsed in enumerate(parse_all(self.run.kb_dir, changed, self.run.procs), 1):
            if self.run.progress:
                self.run.progress(done, len(changed))
            pending.discard(parsed.path)
            owner = self.owner(parsed.stored.id) if parsed.stored is not None else None
            if owner is not None and owner != parsed.path and owner in pending:
                deferred.append(parsed)
                continue
            self.apply(parsed)
        for parsed in sorted(deferred, key=lambda item: item.path):
            self.apply(parsed)

    def apply(self, parsed: Parsed) -> None:
        """One file read: its article stored and indexed, or the file skipped."""
        replaced = self.known.get(parsed.path)
        self.retire(parsed.path)
        reason = parsed.reason or self._settle_id(parsed)
        if reason:
            self._skip(parsed, reason)
            return
        stored = parsed.stored
        assert stored is not None and parsed.document is not None
        if replaced and replaced.article_id and replaced.article_id != stored.id:
            self.store.forget_file(parsed.path)
            self.writer.delete_by_term("id", replaced.article_id)
            if self.owners.get(replaced.article_id) == parsed.path:
                del self.owners[replaced.article_id]
        self.store.put(stored, parsed.mtime_ns, parsed.size)
        self.words.update(parsed.words)
        self.added[parsed.path] = parsed.words
        self.owners[stored.id] = parsed.path
        if stored.id in self.taken:
            self.taken[stored.id] = parsed.document
        self.writer.update_document(**parsed.document)
        if replaced and replaced.article_id:
            self.report.updated += 1
        else:
            self.report.indexed += 1

    def _settle_id(self, parsed: Parsed) -> str:
        """Whether the file's id is held by another file: the reason it is skipped when
        that one sorts first; otherwise it takes the id over ("" either way then)."""
        stored, path = parsed.stored, parsed.path
        if stored is None:
            return ""
        owner = self.owner(stored.id)
        if owner is None or owner == path or owner not in self.run.files:
            return ""
        if owner < path:
            return duplicate_reason(stored.id, owner)
        self.retire(owner)
        self.store.forget_file(owner)
        loser = duplicate_reason(stored.id, path)
        self.store.record_file(owner, *self.run.files[owner], skipped=loser)
        self.report.skipped.append((owner, loser))
        self.writer.delete_by_term("id", stored.id)
        self.taken[stored.id] = parsed.document
        return ""

    def _skip(self, parsed: Parsed, reason: str) -> None:
        previous = self.store.forget_file(parsed.path)
        if previous:
            if self.owners.get(previous) == parsed.path:
                del self.owners[previous]
            self.writer.delete_by_term("id", previous)
        self.store.record_file(parsed.path, parsed.mtime_ns, parsed.size, skipped=reason)
        self.report.skipped.append((parsed.path, reason))

    def keep_one_of_each_taken(self) -> None:
        """After the commit: a writer cannot replace a document it holds itself, so where
        a file took an id over from one added in this run, both are in Whoosh. Keep one."""
        if not self.taken:
            return
        fixer = self.run.ix.writer(limitmb=WRITER_POOL_MB)
        for article_id, document in self.taken.items():
            fixer.delete_by_term("id", article_id)
            fixer.add_document(**document)
        fixer.commit(mergetype=merge_small_in_order)
