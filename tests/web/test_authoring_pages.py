"""The article editor through Flask's test client: a new article filled in from a
missed search, the server-side preview and check, drafts, publishing, the conflict of
two editors, history, diff, revert and delete, the tree editor, the 4xx of bad input,
and what readers then find in search, on the article page and in the wizard once the
index has followed the database."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app.activity.log import ActivityLog
from app.authoring import versions
from app.authoring.files import AUTHORED_DIR, materialise
from app.index.build import build_index
from app.wizard.engine import next_screen
from app.wizard.state import State
from tests.authoring.world import BODY, TREE
from tests.conftest import FIXTURE_ARTICLES
from tests.htmltools import parse
from tests.staff_tools import engine_of, signed_in, token_on


@pytest.fixture
def world(make_kb):
    return make_kb({f"Q{number}": text for number, text in FIXTURE_ARTICLES.items()})


def html_of(response) -> str:
    return response.get_data(as_text=True)


def form(client, **changes) -> dict:
    values = {"token": token_on(client, "/staff/articles/new"), "base": "0", "new": "1",
              "id": "Q900101", "title": "Backup fails with 0x80042108", "products": "",
              "codes": "0x80042108", "messages": "", "body": BODY, "tree": "",
              "summary": "", "action": "publish"}
    return {**values, **changes}


def follow(world) -> None:
    """What each instance's Follower does after a publish: an incremental index run
    that first writes the published articles into KB_DIR/_authored."""
    build_index(world.kb_dir, world.index_dir, procs=1,
                collect=lambda kb_dir: materialise(engine_of(world.app), kb_dir))


def found_ids(client, query: str) -> list[str]:
    page = parse(html_of(client.get("/search", query_string={"q": query})))
    return [urlsplit(item.find("a").attrs["href"]).path.rstrip("/").rsplit("/", 1)[-1]
            for item in page.by_class("result")]


def test_a_missed_search_opens_a_new_article_filled_in(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    page = parse(html_of(editor.get("/staff/articles/new", query_string={
        "title": "Backup fails", "codes": "0X80042108, 0x800ccc90",
        "q": "backup error 0x8007000e"})))
    assert page.find("input", name="id").attrs["value"] == "Q900101"
    assert page.find("input", name="title").attrs["value"] == "Backup fails"
    assert page.find("textarea", name="codes").text.split() == [
        "0x80042108", "0x800CCC90", "0x8007000E"]
    assert "backup error 0x8007000e" in page.find("p", data_searched="").text
    assert "## Resolution" in page.find("textarea", name="body").text


def test_the_preview_is_rendered_and_sanitised_without_javascript(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    body = "## Cause\n\n<script>alert(1)</script> and <b onclick=x>bold</b>"
    response = editor.post("/staff/articles/save", data=form(editor, body=body,
                                                             action="preview"))
    page = parse(html_of(response))
    fragment = html_of(editor.post("/staff/articles/preview", data=form(editor, body=body)))
    assert "<script>alert" not in fragment and "onclick" not in fragment
    assert "<b>bold</b>" in fragment
    assert [item.attrs["data-finding"] for item in page.by_class("finding")] \
        == ["symptoms", "steps"]
    assert versions.counter(engine_of(world.app)) == 0   # a preview stores nothing


def test_the_live_preview_answers_editors_only_and_counts_no_change(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    data = {key: value for key, value in form(editor).items() if key != "token"}
    for _ in range(40):   # past the staff rate limit of 30 changes a minute
        response = editor.post("/staff/articles/preview", data=data)
    assert response.status_code == 200
    assert parse(html_of(response)).find("p", data_no_findings="") is not None
    assert world.app.test_client().post("/staff/articles/preview", data=data).status_code \
        == 401
    agent = signed_in(world.app, "ann", "agent")
    assert agent.post("/staff/articles/preview", data=data).status_code == 403


def test_published_it_is_found_first_and_the_wizard_walks_its_tree(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    response = editor.post("/staff/articles/save", data=form(editor, tree=TREE,
                                                             summary="First"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff/articles/Q900101/history?published=1"
    follow(world)
    assert (world.kb_dir / AUTHORED_DIR / "Q900101.md").is_file()
    reader = world.app.test_client()
    assert found_ids(reader, "0x80042108")[0] == "Q900101"
    page = html_of(reader.get("/kb/900/Q900101/"))
    assert "Start the Volume Shadow Copy service." in page
    assert next_screen(world.source(), State("0x80042108")).fix.node.id == "service"


def test_a_draft_is_only_the_authors_until_published(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    saved = editor.post("/staff/articles/save", data=form(editor, action="draft"))
    assert parse(html_of(saved)).find("p", data_draft_saved="") is not None
    assert versions.counter(engine_of(world.app)) == 0
    page = parse(html_of(editor.get("/staff/articles/Q900101/edit")))
    assert page.find("input", name="base").attrs["value"] == "0"
    other = signed_in(world.app, "bo", "editor")
    assert other.get("/staff/articles/Q900101/edit").status_code == 404


def test_the_second_of_two_editors_gets_a_conflict_showing_both(world) -> None:
    ann, bob = signed_in(world.app, "ann", "editor"), signed_in(world.app, "bob", "editor")
    ann.post("/staff/articles/save", data=form(ann))
    bob_form = form(bob, new="0", base="1", body=BODY + "\nBob's line.\n")
    ann.post("/staff/articles/save", data=form(ann, new="0", base="1",
                                               body=BODY + "\nAnn's line.\n"))
    response = bob.post("/staff/articles/save", data=bob_form)
    assert response.status_code == 409
    page = parse(html_of(response))
    assert "Ann's line." in page.find("pre", data_theirs="").text
    assert "Bob's line." in page.find("pre", data_mine="").text
    assert page.find("input", name="base").attrs["value"] == "2"
    assert "Bob's line." in page.find("textarea", name="body").text
    assert "Bob's line." not in versions.latest(engine_of(world.app), "Q900101").source


def test_history_diff_revert_and_delete(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    editor.post("/staff/articles/save", data=form(editor))
    editor.post("/staff/articles/save", data=form(
        editor, new="0", base="1", body=BODY.replace("Run the backup", "Retry the backup"),
        summary="Say retry"))
    diff = parse(html_of(editor.get("/staff/articles/Q900101/diff?to=2")))
    assert [s.text for s in diff.find_all("span", data_diff="remove")] == [
        "- 3. Run the backup again."]
    assert [s.text for s in diff.find_all("span", data_diff="add")] == [
        "+ 3. Retry the backup again."]
    token = token_on(editor, "/staff/articles/Q900101/history")
    back = editor.post("/staff/articles/Q900101/revert",
                       data={"token": token, "number": "1", "base": "2"})
    assert back.headers["Location"] == "/staff/articles/Q900101/history?published=3"
    follow(world)
    reader = world.app.test_client()
    assert "Run the backup again." in html_of(reader.get("/kb/900/Q900101/"))
    history = parse(html_of(editor.get("/staff/articles/Q900101/history")))
    assert [row.attrs["data-version"] for row in history.find_all("tr")
            if "data-version" in row.attrs] \
        == ["3", "2", "1"]
    editor.post("/staff/articles/Q900101/delete", data={"token": token, "base": "3"})
    follow(world)
    assert reader.get("/kb/900/Q900101/").status_code == 404
    assert "Q900101" not in found_ids(reader, "0x80042108")
    editor.post("/staff/articles/Q900101/revert", data={"token": token, "number": "3",
                                                        "base": "4"})
    follow(world)
    assert found_ids(reader, "0x80042108")[0] == "Q900101"


@pytest.mark.parametrize(("changes", "status", "message"), [
    ({"id": "Q100001"}, 409, "Q100001 is taken"),
    ({"base": "x"}, 400, "version number could not be read"),
    ({"body": "x" * 20_000}, 413, "larger than 16 KB"),
    ({"title": ""}, 400, "needs a title"),
    ({"tree": "a: &x [1]\nb: *x\n"}, 400, "aliases"),
])
def test_bad_input_is_a_clear_4xx_and_nothing_is_stored(world, changes, status, message) \
        -> None:
    editor = signed_in(world.app, "ed", "editor")
    response = editor.post("/staff/articles/save", data=form(editor, **changes))
    assert response.status_code == status and message in html_of(response)
    assert versions.counter(engine_of(world.app)) == 0


def test_only_editors_write(world) -> None:
    agent = signed_in(world.app, "ann", "agent")
    assert agent.get("/staff/articles/new").status_code == 403
    stranger = world.app.test_client().get("/staff/articles/new?title=x")
    assert stranger.status_code == 302 and "/staff/sign-in" in stranger.headers["Location"]
    editor = signed_in(world.app, "ed", "editor")
    assert editor.get("/staff/articles/Q100001/edit").status_code == 404
    assert editor.get("/staff/articles/Q900999/history").status_code == 404


def test_the_tree_editor_checks_and_previews_an_archive_articles_tree(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    page = parse(html_of(editor.get("/staff/articles/Q100001/tree")))
    assert page.find("textarea", name="tree").text.startswith("# Draft tree for Q100001")
    assert page.find("p", data_no_findings="") is not None
    assert [li.attrs["data-node"] for li in page.find_all("li") if "data-node" in li.attrs]
    token = token_on(editor, "/staff/articles/Q100001/tree")
    broken = editor.post("/staff/articles/Q100001/tree", data={
        "token": token, "action": "check", "tree": "start: a\nnodes:\n  - id: a\n    text: x\n"})
    assert "no `options`" in parse(html_of(broken)).find("li", data_finding="tree").text
    download = editor.post("/staff/articles/Q100001/tree", data={
        "token": token, "action": "download", "tree": TREE})
    assert download.get_data(as_text=True) == TREE
    assert "Q100001.tree.yaml" in download.headers["Content-Disposition"]
    refused = editor.post("/staff/articles/Q100001/tree", data={
        "token": token, "action": "publish", "tree": TREE})
    assert refused.status_code == 400


def test_an_authored_articles_tree_is_published_as_a_version(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    editor.post("/staff/articles/save", data=form(editor))
    follow(world)
    token = token_on(editor, "/staff/articles/Q900101/tree")
    done = editor.post("/staff/articles/Q900101/tree", data={
        "token": token, "action": "publish", "tree": TREE, "base": "1"})
    assert done.status_code == 303
    assert versions.latest(engine_of(world.app), "Q900101").tree == TREE
    follow(world)
    assert next_screen(world.source(), State("0x80042108")).fix.node.id == "service"


def test_kb_export_and_import_on_the_command_line(world, tmp_path) -> None:
    editor = signed_in(world.app, "ed", "editor")
    editor.post("/staff/articles/save", data=form(editor, tree=TREE))
    runner = world.app.test_cli_runner()
    exported = runner.invoke(args=["kb", "export", str(tmp_path / "out")])
    assert exported.output == f"exported 1 articles to {tmp_path / 'out'}\n"
    again = runner.invoke(args=["kb", "import", str(tmp_path / "out")])
    assert again.output == "published 0, unchanged 1, refused 0\n"
    (tmp_path / "out" / "Q900101.md").write_text(
        (tmp_path / "out" / "Q900101.md").read_text().replace("Run the", "Now run the"))
    changed = runner.invoke(args=["kb", "import", str(tmp_path / "out")])
    assert changed.output == "published 1, unchanged 0, refused 0\n"
    assert versions.latest(engine_of(world.app), "Q900101").author == "(import)"


def test_the_overviews_draft_tree_opens_the_tree_editor_for_editors(world) -> None:
    log = ActivityLog(engine_of(world.app))
    log.record_outcome(fixed=False, query="pop3 still", article_id="Q100001", step=2)
    editor = signed_in(world.app, "ed", "editor")
    page = parse(html_of(editor.get("/staff/")))
    assert ("draft tree", "/staff/articles/Q100001/tree") in page.links
    assert ("Articles written here", "/staff/authored") in page.links
    agent = parse(html_of(signed_in(world.app, "ann", "agent").get("/staff/")))
    assert ("draft tree", "/staff/drafts/Q100001.yaml") in agent.links
    assert "Articles written here" not in [text for text, _ in agent.links]


def test_a_followers_run_reads_only_the_published_folder(world) -> None:
    editor = signed_in(world.app, "ed", "editor")
    editor.post("/staff/articles/save", data=form(editor))
    archive_file = world.kb_dir / "100" / "Q100003" / "README.md"
    archive_file.write_text(archive_file.read_text().replace("garbage", "rubbish"))
    scoped = build_index(world.kb_dir, world.index_dir, procs=1, scope=AUTHORED_DIR,
                         collect=lambda kb_dir: materialise(engine_of(world.app), kb_dir))
    assert (scoped.indexed, scoped.updated, scoped.deleted, scoped.unchanged) == (1, 0, 0, 3)
    full = build_index(world.kb_dir, world.index_dir, procs=1)
    assert (full.indexed, full.updated, full.deleted) == (0, 1, 0)
