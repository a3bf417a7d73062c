"""The benchmark tools themselves: raw reading, case generation, FTS5 baseline, arithmetic."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_throughput import (  # noqa: E402
    PLAIN_BYTES,
    article_paths,
    lua_string,
    parse_result,
    plain_app,
    requests_per_second,
    search_paths,
    wrk_script,
)
from benchmarks.corpus import iter_raw_articles  # noqa: E402
from benchmarks.eval_search import evaluate, percentile  # noqa: E402
from benchmarks.fts5_baseline import Fts5Baseline, fts_query  # noqa: E402
from benchmarks.search_cases import (  # noqa: E402
    Case,
    code_variants,
    error_messages,
    generate_cases,
    message_variants,
    reword,
    sections,
    strip_tags,
)

OUTLOOK_BODY = """\
Article: Q198704
Product(s): Microsoft Exchange

SYMPTOMS
========

When you try to log on to Exchange Server with Outlook Express, you may see the
following error message:

  Unable to logon to the server using Distributed Password Authentication,
  Server Error: 0x800CCC90, Error Number: 0x800ccc18

The event log shows Event ID 1020 and Error 10053; a second server stops with
STOP 0x000000DE and the socket returns 0x00002AF9 as an error.

CAUSE
=====

The mailbox does not exist.
"""

PRINTER_BODY = """\
SYMPTOMS
========

Printing a long document hangs the spooler, and you receive the following error:

  The print spooler service terminated unexpectedly while printing
  your quarterly report document.

RESOLUTION
==========

Restart the spooler.
"""


def write_article(kb: Path, article_id: str, title: str, body: str) -> None:
    """One article in the archive's raw format: front matter, tab-indented body in raw tags."""
    folder = kb / article_id[1:4] / article_id
    folder.mkdir(parents=True)
    indented = "\n".join(f"\t{line}" for line in body.splitlines())
    folder.joinpath("README.md").write_text(
        f'---\nlayout: page\ntitle: "{article_id}: {title}"\n---\n\n## {article_id}: {title}\n\n'
        f"{{% raw %}}\n\n{indented}\n\n{{% endraw %}}\n",
        encoding="utf-8",
    )


@pytest.fixture()
def kb(tmp_path: Path) -> Path:
    """A three-article archive: an error-code article, a printer article, and filler."""
    root = tmp_path / "kb"
    write_article(root, "Q198704", "XCLN: ErrMsg: 0x800ccc90 &amp; Outlook Express", OUTLOOK_BODY)
    write_article(root, "Q123456", "PRB: Print Spooler Fails with Long Documents", PRINTER_BODY)
    write_article(root, "Q100001", "INFO: Sizing Memory for Database Servers", "Plain text.\n")
    return root


def test_raw_reading_decodes_title_and_strips_tabs(kb: Path) -> None:
    articles = {a: (t, b) for a, t, b in iter_raw_articles(kb)}
    title, body = articles["Q198704"]
    assert title == "XCLN: ErrMsg: 0x800ccc90 & Outlook Express"
    assert body.startswith("Article: Q198704\n")
    assert "\t" not in body and "{% raw %}" not in body


def test_code_variants_are_typed_like_users() -> None:
    assert {"800ccc90", "0x800ccc90"} <= set(code_variants("hex", "800CCC90"))
    assert "0x2af9" in code_variants("hex", "00002AF9")
    assert "stop 0xde" in code_variants("stop", "000000DE")
    assert "error #10053" in code_variants("error", "10053")
    assert "event 1020" in code_variants("event", "1020")
    assert "runtime error 429" in code_variants("runtime", "429")


def test_wrapped_message_is_joined(kb: Path) -> None:
    body = dict((a, b) for a, _, b in iter_raw_articles(kb))["Q123456"]
    assert error_messages(sections(body)["SYMPTOMS"]) == [
        "The print spooler service terminated unexpectedly while printing "
        "your quarterly report document."
    ]


def test_message_variants_cover_each_way_of_pasting() -> None:
    message = "The print spooler service terminated unexpectedly while printing"
    whole, part, lower, no_punct, typo = message_variants(message + ".", random.Random(3))
    assert whole == message + "."
    assert 6 <= len(part.split()) <= 10 and part in whole
    assert lower == whole.lower()
    assert no_punct == message
    assert typo != whole and len(typo.split()) == len(whole.split())
    changed = [(a, b) for a, b in zip(whole.split(), typo.split(), strict=True) if a != b]
    assert len(changed) == 1 and len(changed[0][0]) > 5


def test_descriptions_are_never_the_title() -> None:
    title = strip_tags("PRB: Print Spooler Fails with Long Documents")
    assert title == "Print Spooler Fails with Long Documents"
    for seed in range(50):
        assert reword(title, random.Random(seed)) not in (title, title.lower())


def test_generated_cases_are_deterministic_and_point_at_carriers(kb: Path) -> None:
    articles = list(iter_raw_articles(kb))
    cases = generate_cases(articles, seed=7, per_kind=20)
    assert cases == generate_cases(articles, seed=7, per_kind=20)
    kinds = {c.kind for c in cases}
    assert kinds == {"code", "message", "description"}
    typed = {
        query
        for style, raw in [
            ("hex", "800CCC90"),
            ("hex", "800ccc18"),
            ("hex", "00002AF9"),
            ("stop", "000000DE"),
            ("error", "10053"),
            ("event", "1020"),
        ]
        for query in code_variants(style, raw)
    }
    codes = [c for c in cases if c.kind == "code"]
    assert len(codes) == 1  # one case per target article, and only Q198704 carries codes
    assert codes[0].target == "Q198704" and codes[0].query in typed
    messages = [c for c in cases if c.kind == "message"]
    assert {c.target for c in messages} == {"Q198704", "Q123456"}


def test_fts5_baseline_survives_hostile_text(tmp_path: Path, kb: Path) -> None:
    baseline = Fts5Baseline.build(iter_raw_articles(kb), tmp_path / "fts.sqlite")
    for text in ['AND ( "x * : ~ ^', "NOT", "", "   ", '"', "NEAR(a b)", "col:term", "ünï ✓"]:
        assert isinstance(baseline.search(text, 5), list)
    assert baseline.search("0x800ccc90", 5)[0] == "Q198704"
    assert baseline.search("print spooler long documents", 5)[0] == "Q123456"
    assert fts_query('AND ( "x') == '"and" OR "x"'
    baseline.close()


def test_eval_arithmetic() -> None:
    assert percentile([float(v) for v in range(1, 21)], 95) == 19.0
    assert percentile([4.0], 50) == 4.0
    cases = [
        Case("code", "hit", "Q1"),
        Case("code", "deep", "Q1"),  # at rank 6: outside the code top 5
        Case("description", "deep", "Q1"),  # rank 6 is inside the description top 10
        Case("message", "boom", "Q1"),
    ]

    def search(query: str, limit: int) -> list[str]:
        if query == "boom":
            raise ValueError("broken")
        return ["Q1"] if query == "hit" else ["Q2", "Q3", "Q4", "Q5", "Q6", "Q1"][:limit]

    results = evaluate(search, cases)
    assert (results["code"].hits, results["code"].total, results["code"].rate) == (1, 2, 0.5)
    assert results["code"].failures[0][1] == "Q2"
    assert results["description"].rate == 1.0
    assert results["message"].rate == 0.0
    assert "ValueError" in results["message"].failures[0][1]


def test_throughput_urls_are_distinct_encoded_and_canonical() -> None:
    cases = [Case("code", "error 0x800ccc90", "Q1"), Case("message", "error  0x800ccc90", "Q2"),
             Case("message", 'can\'t open "a&b" ünï?', "Q3"), Case("code", "x" * 1001, "Q4")]
    assert search_paths(cases) == ["/api/search?q=error+0x800ccc90",
                                   "/api/search?q=can%27t+open+%22a%26b%22+%C3%BCn%C3%AF%3F"]
    assert article_paths(["Q198704", "Q5", "Q198704"]) == ["/kb/198/Q198704/", "/kb/000/Q5/"]


def test_wrk_script_spreads_paths_over_threads_and_reports() -> None:
    assert lua_string('a"b\\c\nü') == '"a\\034b\\092c\\010\\195\\188"'
    script = wrk_script(["/a?q=1", "/b?q=2", "/c?q=3"], threads=2)
    assert '  "/a?q=1",\n  "/b?q=2",\n  "/c?q=3",\n}' in script
    assert "position = position + 2" in script and "thread:set('first', threads)" in script
    assert "function done(summary, latency, requests)" in script
    assert "function request()" not in wrk_script()  # the plain page: wrk's own URL
    output = ("Running 20s test @ http://127.0.0.1:5000/\n"
              "BENCH requests=500 duration_us=2000000 bytes=10 p50_us=1500 p99_us=9000 "
              "status=3 connect=0 read=1 write=0 timeout=2\n")
    result = parse_result(output)
    assert result["requests"] == 500 and result["p99_us"] == 9000 and result["status"] == 3
    assert requests_per_second(result) == 250.0
    with pytest.raises(ValueError):
        parse_result("Running 20s test\n")


def test_plain_page_is_ten_kilobytes() -> None:
    answer = plain_app().test_client().get("/")
    assert answer.status_code == 200 and len(answer.data) == PLAIN_BYTES
