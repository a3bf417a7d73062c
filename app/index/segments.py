"""A full build's Whoosh segments, each written by a worker process that also reads
the files, with its postings arrays taken from what it wrote.

Where the time went before (py-spy per process, 6,000 articles): two processes read
files and sent each article, Whoosh fields included, to the main process, which
pickled the fields again into job files for Whoosh's own two writer processes. Those
spent half their time in Whoosh's posting pool: every posting a tuple, marshalled one
by one into sorted run files when 64 MB filled, read back and merged. The arrays were
then read back out of the finished segments.

Here each worker reads its share of the files and adds them to its own segment
writer, whose pool (`MemoryPostings`, app/index/memory_postings.py) keeps the
postings as compact arrays in memory and, when the segment is written, writes them
field by field as Whoosh would (app/index/field_writer.py `write_field`: the same
bytes, without Whoosh's 25 µs of calls a term, which had been a third of the build);
the segment's arrays come from those same postings (app/index/arrays.py), with the
field lengths read back from the segment. The main process only gets what the article
store needs. Like Whoosh's own `MpWriter(multisegment=True)`, the main process's
writer then commits the workers' segments (`_commit_toc`), with any document it
decided against (a duplicate id) marked deleted in its segment.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from app.index.arrays import write_segment_arrays
from app.index.field_words import counted
from app.index.field_writer import can_write, write_hashes
from app.index.memory_postings import MemoryPostings
from app.index.parsing import Parsed, init_worker, parse

# Files per job handed to a worker, and jobs waiting per worker: enough to keep both
# busy, few enough that finished articles never pile up in the main process.
JOB_FILES = 32
JOBS_AHEAD = 4
# A worker writes its segment when the postings it holds pass this: on the archive,
# about two segments a worker.
POOL_MB = 150
# Below this many files one process does it all (starting workers costs more).
MIN_PARALLEL_FILES = 200
WORKER_POLL_SECONDS = 5.0


class _SegmentWriter(SegmentWriter):
    """A segment writer whose postings go from its `MemoryPostings` to the segment
    through `MemoryPostings.write_fields` rather than Whoosh's per-posting loop, and
    whose documents' words are counted by app/index/field_words.py where it knows
    the analyzer."""

    def add_document(self, **fields) -> None:
        """`SegmentWriter.add_document` (whoosh3), step for step, with the postings
        of a field added to the pool at once, and those of a `StemmingTokenizer`
        field and of the word pairs counted by `field_words.counted`: the same terms,
        frequencies, weights and values as the field's `index` gives."""
        schema = self.schema
        if any(schema[name].vector or schema[name].separate_spelling()
               for name in fields if name in schema):
            super().add_document(**fields)
            return
        self._check_state()
        perdocwriter, docnum, pool = self.perdocwriter, self.docnum, self.pool
        docboost = self._doc_boost(fields)
        fieldnames = sorted([name for name in fields if not name.startswith("_")])
        self._check_fields(schema, fieldnames)
        seen: dict = {}   # words found in this document's texts (app/index/field_words.py)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    fieldboost = self._field_boost(fields, fieldname, docboost)
                    items = counted(field, value, fields, seen)
                    if items is None:
                        items = field.index(value)
                    length = pool.add_document(fieldname, docnum, items, fieldboost,
                                               field.scorable)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                       length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column,
                                                  field.to_column_value(customval))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        self.pool.write_fields(self.fieldwriter, self.schema, lengths)
        if can_write(self.fieldwriter):
            table = self.fieldwriter._tindex
            table._write_hashes = lambda: write_hashes(table)
        self.fieldwriter.close()
        if lengths:
            lengths.close()


class SegmentMaker:
    """Reads files and writes them into new segments of `ix` (not committed): what
    each worker process runs, or the main process itself for a small build. A segment
    is written whenever its pool passes POOL_MB, which bounds the memory a worker
    takes whatever the size of the archive."""

    def __init__(self, kb_dir: Path, ix, generation: Path) -> None:
        init_worker(str(kb_dir))
        self.ix, self.generation = ix, generation
        self.segments: list = []
        self._start()

    def _start(self) -> None:
        self.writer = _SegmentWriter(self.ix, _lk=False)
        self.pool = self.writer.pool = MemoryPostings()
        self.ids: list[str] = []  # the segment's article ids, by docnum

    def add(self, item: tuple[str, int, int]) -> tuple[Parsed, tuple[int, int] | None]:
        """The file read (its Whoosh fields left out) and where its document went:
        (the number of its segment among this maker's, its docnum there)."""
        parsed = parse(item)
        if parsed.document is None:
            return parsed, None
        if self.pool.megabytes() > POOL_MB:
            self._write()
            self._start()
        docnum = self.writer.docnum
        self.writer.add_document(**parsed.document)
        self.ids.append(parsed.document["id"])
        return replace(parsed, document=None), (len(self.segments), docnum)

    def finish(self) -> list:
        """Write the last segment; returns Whoosh's segment objects, in place order."""
        if self.writer._added:
            self._write()
        else:
            self.writer._close_segment()
        return self.segments

    def _write(self) -> None:
        """The segment and its arrays, the field lengths read back from it (without
        mmap: whoosh3 copies a mapped segment into memory)."""
        writer = self.writer
        segment = writer._finalize_segment()
        storage = FileStorage(writer.storage.folder, supports_mmap=False)
        with SegmentReader(storage, writer.schema, segment) as leaf:
            write_segment_arrays(self.generation, leaf, self.pool.kept, self.ids)
        self.segments.append(segment)


class SegmentBuild:
    """The worker processes of a full build (or the main process alone for `procs` 1
    or a small build). `parse(items)` yields each file read, with where its document
    went (worker number, segment number, docnum); `finish()` returns the segments
    written, per worker."""

    def __init__(self, kb_dir: Path, generation: Path, ix, procs: int, files: int) -> None:
        self.generation = generation
        self.local: SegmentMaker | None = None
        self.workers: list = []
        if procs <= 1 or files < MIN_PARALLEL_FILES:
            self.local = SegmentMaker(kb_dir, ix, generation)
            return
        context = multiprocessing.get_context("fork")
        self.jobs = context.Queue(procs * JOBS_AHEAD)
        self.results = context.Queue()
        for number in range(procs):
            worker = context.Process(target=_work, daemon=True, args=(
                number, kb_dir, generation, ix, self.jobs, self.results))
            worker.start()
            self.workers.append(worker)

    def __enter__(self) -> SegmentBuild:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self.local is not None:
            # Its files closed, not `cancel()`: that removes the temporary folder the
            # main process's writer shares (Whoosh names it after the index).
            self.local.writer._close_segment()
        for worker in self.workers:
            if worker.is_alive():
                worker.kill()
            worker.join()

    def parse(self, items: list[tuple[str, int, int]]) -> Iterator[tuple[Parsed, tuple | None]]:
        if self.local is not None:
            for item in items:
                parsed, place = self.local.add(item)
                yield parsed, (None if place is None else (0, *place))
            return
        jobs = [items[start:start + JOB_FILES] for start in range(0, len(items), JOB_FILES)]
        sent = received = 0
        while received < len(jobs):
            while sent < len(jobs) and sent - received < len(self.workers) * JOBS_AHEAD:
                self.jobs.put(jobs[sent])
                sent += 1
            number, done = self._receive()
            received += 1
            for parsed, place in done:
                yield parsed, (None if place is None else (number, *place))

    def finish(self) -> list[list]:
        """Each worker's segments, in worker order."""
        if self.local is not None:
            return [self.local.finish()]
        for _ in self.workers:
            self.jobs.put(None)
        segments: list[list] = [[] for _ in self.workers]
        for _ in self.workers:
            number, written = self._receive()
            segments[number] = written
        return segments

    def _receive(self):
        while True:
            try:
                number, kind, payload = self.results.get(timeout=WORKER_POLL_SECONDS)
            except queue.Empty:
                # A worker that is done exits 0 once its answer is sent; any other
                # end (killed, out of memory) leaves an answer that never comes.
                if any(worker.exitcode not in (None, 0) for worker in self.workers):
                    raise RuntimeError("an index worker process died") from None
                continue
            if kind == "failed":
                raise RuntimeError(f"index worker {number} failed:\n{payload}")
            return number, payload


def _work(number: int, kb_dir: Path, generation: Path, ix, jobs, results) -> None:
    parent = os.getppid()
    try:
        maker = SegmentMaker(kb_dir, ix, generation)
        while (job := _next_job(jobs, parent)) is not None:
            results.put((number, "done", [maker.add(item) for item in job]))
        results.put((number, "segments", maker.finish()))
    except BaseException:
        results.put((number, "failed", traceback.format_exc()))


def _next_job(jobs, parent: int):
    """The next job; exits when the main process is gone (killed: nobody would ever
    send the end, and the worker would wait for it for good)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        try:
            return jobs.get(timeout=WORKER_POLL_SECONDS)
        except queue.Empty:
            continue
