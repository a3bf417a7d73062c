"""A code written short of its digits (`0x800CCC9`, an HRESULT with one dropped) is
decoded as what it is, on the code page, the results page and in the JSON, and the
codes one digit away are offered first."""

from __future__ import annotations

import pytest

from app.codes.decode import as_written, decode, short_hex
from tests.htmltools import parse


@pytest.mark.parametrize(("written", "short"), [
    ("0x800CCC9", "0x800CCC9"),
    ("0x800ccc9L", "0x800CCC9"),
    ("0xC000005,", "0xC000005"),
    ("0x401E0", "0x401E0"),
    ("0x7B", None),              # a Win32 error, complete as it is
    ("0x2AF9", None),
    ("0x800CCC90", None),        # all eight digits
    ("0x0800CCC9", None),        # eight written, the first a zero: taken as written
    ("800CCC9", None),
    ("ERROR-1603", None),
])
def test_short_hex_is_five_to_seven_digits(written: str, short: str | None) -> None:
    assert short_hex(written) == short


def test_a_dropped_digit_is_not_decoded_as_a_success_value() -> None:
    decoded = decode("0x0800CCC9", written="0x800ccc9")
    assert decoded.incomplete and decoded.kind == "incomplete"
    assert decoded.label == "0x800CCC9 is not a complete error code"
    assert decoded.name == "0x800CCC9"
    details = dict(decoded.details)
    assert details["Digits"].startswith("7 hexadecimal; HRESULT and NTSTATUS codes have 8")
    assert "would mean success, not an error" in details["With leading zeros"]
    assert "Severity" not in details and "Facility" not in details


def test_the_same_value_written_whole_is_decoded_as_written() -> None:
    for written in (None, "0x0800CCC9"):
        decoded = decode("0x0800CCC9", written=written)
        assert (decoded.kind, decoded.label, decoded.name) == (
            "hex", "HRESULT 0x0800CCC9", "0x0800CCC9")
        assert dict(decoded.details)["Severity"] == "Success (0)"


def test_a_complete_code_ignores_how_it_was_written() -> None:
    assert decode("0x800CCC90", written="800ccc90").label == "HRESULT 0x800CCC90"


def test_as_written_finds_the_short_form_in_what_was_typed() -> None:
    assert as_written("0x0800CCC9", "outlook says 0x800ccc9, twice") == "0x800CCC9"
    assert as_written("0x800CCC90", "outlook says 0x800ccc90") is None


def test_the_code_page_of_a_short_code_offers_the_whole_one_first(client) -> None:
    response = client.get("/codes/0x800CCC9")
    assert response.status_code == 200
    document = parse(response.get_data(as_text=True))
    main = document.find("main")
    assert main.find("h1").text == "0x800CCC9 is not a complete error code"
    near = main.by_class("near-first")[0]
    assert near.find("h2").text == "Perhaps a digit was dropped"
    assert near.find("li").text == "0x800CCC90 (2 articles)"
    assert near.find("a").attrs["href"] == "/codes/0x800CCC90"
    # the offer comes before the decoding and the (empty) list of articles
    order = [element.attrs.get("class", element.tag) for element in main.children
             if not isinstance(element, str)]
    assert order.index("notice near-codes near-first") < order.index("decoded")
    text = main.text
    assert "Success (0)" not in text and "0x0800CCC9 is" not in text
    assert main.by_class("no-results")[0].find("h2").text == "No article carries 0x800CCC9"
    assert not main.find_all("p", role="status")  # the heading says so: no "0 articles"
    assert main.link("Search the articles' words for 0x800CCC9") == "/search?q=0x800CCC9"


def test_a_short_code_keeps_its_address_tidied(client) -> None:
    response = client.get("/codes/0x800ccc9")
    assert response.status_code == 301
    assert response.headers["Location"] == "/codes/0x800CCC9"
    assert client.get("/codes/0x800CCC9").status_code == 200


def test_a_complete_code_still_goes_to_its_canonical_address(client) -> None:
    response = client.get("/codes/800ccc90")
    assert (response.status_code, response.headers["Location"]) == (301, "/codes/0x800CCC90")


def test_the_results_of_a_short_code_say_so_and_offer_the_whole_one(client) -> None:
    document = parse(client.get("/search?q=0x800CCC9").get_data(as_text=True))
    decoded = document.by_class("decoded")[0]
    assert decoded.text.startswith("0x800CCC9 is not a complete error code")
    assert decoded.link("every article with 0x800CCC9") == "/codes/0x800CCC9"
    near = document.by_class("near-codes")[0]
    assert near.text.startswith("No article carries 0x800CCC9. Articles do carry, one digit "
                                "away: 0x800CCC90 (2)")
    classes = [child.attrs.get("class", "") for child in document.find("main").children
               if not isinstance(child, str)]
    assert classes.index("notice near-codes") < classes.index("decoded")  # the offer first
    summary = document.find("textarea", id="handover-summary").text
    assert "Error codes read from it: 0x800CCC9" in summary


def test_the_json_of_a_short_code(client) -> None:
    found = client.get("/api/codes/0x800CCC9").get_json()
    assert (found["kind"], found["label"]) == ("incomplete",
                                               "0x800CCC9 is not a complete error code")
    assert found["url"].endswith("/codes/0x800CCC9")
