"""POST /api/read-image and the form without JavaScript: what a person or a tool gets
back for a screenshot, and the 4xx (never a 5xx) for anything hostile."""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.test import EnvironBuilder

from tests.conftest import FIXTURE_ARTICLES, KB
from tests.htmltools import parse
from tests.imagetools import dialog_png, png_bomb

DIALOG = dialog_png(["Message number 1 could not be retrieved.",
                     "Server Error: 0x800CCC90, Error Number: 0x800420CD"], size=15)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    kb = KB.of(tmp_path_factory.mktemp("images"),
               {f"Q{number}": text for number, text in FIXTURE_ARTICLES.items()},
               config={"FEEDBACK_RATE_LIMIT": 1000})
    kb.app.extensions["image_reader"].warm()
    yield kb
    kb.app.extensions["image_reader"].close()
    kb.close()


@pytest.fixture
def client(world):
    return world.app.test_client()


def upload(client, data: bytes, name: str = "shot.png", url: str = "/api/read-image",
           **form):
    """POST the picture as a browser does. The body is closed here: werkzeug's test
    client leaves it open when the app refuses it unread (the 30 MB case)."""
    builder = EnvironBuilder(path=url, method="POST", content_type="multipart/form-data",
                             data={"image": (io.BytesIO(data), name), **form})
    environ = builder.get_environ()
    builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def test_the_api_answers_the_text_its_codes_and_each_lines_confidence(client):
    answer = upload(client, DIALOG)
    assert answer.status_code == 200
    body = answer.get_json()
    assert "0x800CCC90" in body["codes"]
    assert "could not be retrieved" in body["text"]
    assert any("retrieved" in line["text"] for line in body["lines"])
    assert all(0 <= line["confidence"] <= 100 for line in body["lines"])
    assert {"read", "code"} >= set().union(*(fix.keys() for fix in body["corrections"]))


def test_the_form_goes_on_to_the_results_with_the_text_in_the_search_box(client):
    answer = upload(client, DIALOG, url="/read-image", go="search")
    assert answer.status_code == 303
    where = urlsplit(answer.headers["Location"])
    args = parse_qs(where.query)
    assert where.path == "/search" and args["from"] == ["image"]
    assert "0x800CCC90" in args["q"][0]
    page = parse(client.get(answer.headers["Location"]).get_data(as_text=True))
    assert "0x800CCC90" in page.find("input", id="q-top").attrs["value"]
    assert "read from your screenshot" in page.by_class("image-read")[0].text
    found = [href for _, href in page.links if href.startswith("/kb/")]
    assert found[0].startswith("/kb/100/Q100002/?q=")  # the article of the whole message


def test_the_form_goes_on_to_the_wizard_when_the_person_chose_it(client):
    answer = upload(client, DIALOG, url="/read-image", go="troubleshoot")
    assert answer.status_code == 303
    assert urlsplit(answer.headers["Location"]).path == "/troubleshoot"


def test_the_results_page_says_which_code_was_corrected_and_ignores_forged_ones(client):
    page = parse(client.get("/search", query_string=[
        ("q", "Server Error: 0x800CCC90"), ("from", "image"),
        ("fixed", "Ox800CCC9O→0x800CCC90"), ("fixed", "anything→<b>not a code</b>"),
    ]).get_data(as_text=True))
    notice = page.by_class("image-read")[0].text
    assert "Corrected “Ox800CCC9O” to 0x800CCC90" in notice
    assert "not a code" not in notice


@pytest.mark.parametrize("path", ["/", "/search?q=printer", "/troubleshoot"])
def test_each_starting_page_offers_a_file_field_and_a_button_without_javascript(client, path):
    page = parse(client.get(path).get_data(as_text=True))
    form = page.by_class("image-reader")[0]
    assert (form.attrs["action"], form.attrs["enctype"]) == ("/read-image", "multipart/form-data")
    assert form.find("input", type="file", name="image").attrs["accept"].startswith("image/")
    assert {button.attrs["value"] for button in form.find_all("button", name="go")} >= {
        "troubleshoot"}


HOSTILE = {
    "png bomb": (png_bomb(), "bomb.png", 413),
    "truncated jpeg": (dialog_png(["Server Error: 0x800CCC90"], fmt="JPEG")[:900], "cut.jpg", 422),
    "30 MB file": (b"\x89PNG\r\n\x1a\n" + b"\x00" * (30 * 2**20), "huge.png", 413),
    "text named .png": (b"Server Error: 0x800CCC90\n" * 20, "error.png", 415),
    "empty file": (b"", "empty.png", 400),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_files_get_a_clear_4xx_within_a_second(client, name):
    data, filename, status = HOSTILE[name]
    started = time.perf_counter()
    answer = upload(client, data, filename)
    assert time.perf_counter() - started < 1.0
    assert answer.status_code == status
    body = answer.get_json()
    assert body["status"] == status and body["message"]


def test_no_picture_or_two_pictures_is_a_400(client):
    assert client.post("/api/read-image").status_code == 400
    two = client.post("/api/read-image", content_type="multipart/form-data", data={
        "image": [(io.BytesIO(DIALOG), "a.png"), (io.BytesIO(DIALOG), "b.png")]})
    assert two.status_code == 400 and "one picture" in two.get_json()["message"]


def test_a_hostile_file_in_the_form_gets_an_error_page_with_a_search_box(client):
    answer = upload(client, b"not a picture", "x.png", url="/read-image")
    assert answer.status_code == 415
    page = parse(answer.get_data(as_text=True))
    assert "not a picture this site reads" in page.by_class("message")[0].text
    assert page.find("input", name="q") is not None  # type the message instead


def test_pictures_count_against_the_forms_rate_limit(make_kb):
    kb = make_kb({}, config={"FEEDBACK_RATE_LIMIT": 2, "FEEDBACK_RATE_WINDOW": 60})
    client = kb.app.test_client()
    statuses = [upload(client, b"text", "x.png").status_code for _ in range(3)]
    assert statuses == [415, 415, 429]
