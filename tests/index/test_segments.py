"""A full build's workers write their segments' postings and term records themselves
(app/index/field_writer.py `write_field`): the files must be byte for byte what Whoosh's
own writer makes of the same documents, whatever the postings (one or many, several
blocks, weights other than 1, compressed blocks, fields without lengths or values)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.writing import SegmentWriter

from app.index import field_writer, segments
from app.index.field_words import counted
from app.index.memory_postings import MemoryPostings
from app.index.schema import make_schema

WORDS = [f"w{number}" for number in range(400)]


def documents(count: int, seed: int) -> list[dict]:
    chance = random.Random(seed)
    made = []
    for number in range(count):
        # A few words in nearly every document (terms of several 128-posting blocks),
        # the rest rare; some repeated (frequencies and weights above 1).
        common = " ".join(chance.choice(WORDS[:5]) for _ in range(chance.randint(1, 6)))
        rare = " ".join(chance.choice(WORDS) for _ in range(chance.randint(0, 40)))
        made.append({
            "id": f"Q{number:06d}",
            "title": f"{common} {rare[:60]}",
            "symptoms": rare,
            "body": f"{rare} {common} {number}",
            "messages": common if number % 3 else "",
            "codes": ",".join(f"0x{chance.randint(0, 40):04x}" for _ in range(number % 3)),
            "products": chance.choice(["Exchange", "Outlook", "Windows"]),
            # As app/index/schema.py writes them (the title's and symptoms' words
            # found once), or any other text.
            "pairs": (f"{common} {rare}" if number % 2 else
                      "\n".join([f"{common} {rare[:60]}", rare, common])),
            "mentions": f"error~{number % 7}" if number % 2 else "",
            "mentions_extra": "",   # a field without a posting in the segment
        })
    return made


def other_schema() -> Schema:
    """Weights that are not whole (a boost), positions (values of no fixed size),
    words stored and not scored."""
    return Schema(id=ID(stored=True, unique=True),
                  title=TEXT(field_boost=1.5, stored=True),
                  body=TEXT(phrase=True),
                  products=KEYWORD(scorable=False),
                  permalink=STORED())


def write(folder: Path, schema: Schema, docs: list[dict], writer_class) -> dict[str, bytes]:
    folder.mkdir()
    ix = whoosh_index.create_in(folder, schema)
    writer = writer_class(ix, _lk=False, compound=False)
    writer.pool = MemoryPostings()
    for document in docs:
        writer.add_document(**{name: value for name, value in document.items()
                               if name in schema})
    if writer_class is segments._SegmentWriter:
        assert field_writer.can_write(writer.fieldwriter)
    segment = writer._finalize_segment()
    name = segment.segment_id()
    return {path.name.replace(name, "SEGMENT"): path.read_bytes()
            for path in folder.iterdir() if name in path.name}


@pytest.mark.parametrize("make", [make_schema, other_schema])
def test_the_segment_files_are_whoosh_s_byte_for_byte(tmp_path: Path, make) -> None:
    docs = documents(700, seed=11)
    expected = write(tmp_path / "whoosh", make(), docs, SegmentWriter)
    found = write(tmp_path / "ours", make(), docs, segments._SegmentWriter)
    assert sorted(found) == sorted(expected)
    assert {name for name in expected if name.endswith((".pst", ".trm"))}
    for name in expected:
        assert found[name] == expected[name], name


def test_postings_written_in_small_pieces_are_too(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Postings written in small pieces (WRITE_CHUNK), and taken in small pieces
    (CHUNK_POSTINGS, fewer than a common term has), land where their records say."""
    monkeypatch.setattr(field_writer, "WRITE_CHUNK", 64)
    monkeypatch.setattr(field_writer, "CHUNK_POSTINGS", 50)
    docs = documents(300, seed=5)
    expected = write(tmp_path / "whoosh", make_schema(), docs, SegmentWriter)
    found = write(tmp_path / "ours", make_schema(), docs, segments._SegmentWriter)
    assert found == expected


TEXTS = ["", "the", "Error", "Outlook Express: error 0x800CCC0F. The server said\n'no'",
         "a an the of", "file.error 1603 at C:\\Windows\\x.dll", "two words",
         "Ünïcödé wörds, İstanbul ǅ and *wild* cards f*o*o", "x\ny\n\nz  w",
         "running runs ran; connection connections connected", "1.2.3 v1.0 .net net."]


@pytest.mark.parametrize("text", TEXTS)
def test_counted_words_are_whoosh_s(text: str) -> None:
    schema = make_schema()
    for title in TEXTS[:4]:
        for symptoms in TEXTS[3:6]:
            fields = {"title": title, "symptoms": symptoms,
                      "pairs": "\n".join([title, symptoms, text])}
            seen: dict = {}
            for name in ("pairs", "symptoms", "title", "body", "messages"):
                value = fields.get(name, text)
                found = counted(schema[name], value, fields, seen)
                assert found is not None, name
                assert sorted(found) == sorted(schema[name].index(value)), (name, value)
            # Pairs of another text than the fields', however it starts.
            value = title + "\n" + text
            assert (sorted(counted(schema["pairs"], value, fields, {}))
                    == sorted(schema["pairs"].index(value)))
    for name in ("codes", "id", "mentions", "products"):
        assert counted(schema[name], text, {}, {}) is None
