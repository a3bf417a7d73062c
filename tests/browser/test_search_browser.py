"""Search in a real browser: suggestions as one types, the arrow keys, and on a phone
the first result in the first screen whatever was pasted."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
FIRST_SCREEN = 700  # px: the first result must begin above this on a 390 x 844 phone
PASTED_DIALOG = (
    "Your server has unexpectedly terminated the connection. Possible causes for this "
    "include server problems, network problems, or a long period of inactivity. "
    "Account: 'pop.example.com', Server: 'pop.example.com', Protocol: POP3, Server "
    "Response: '-ERR The AUTH protocol exchange was canceled by the client.', Port: 110, "
    "Secure(SSL): No, Server Error: 0x800CCC90, Error Number: 0x800CCC18")
LONG_QUERY = " ".join(
    ["outlook express pop3 the auth protocol exchange was canceled by the client"] * 40)[:2000]


@pytest.fixture
def phone(browser, live_server: str):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("text", [PASTED_DIALOG, LONG_QUERY, "pop3"],
                         ids=["pasted dialog", "2000 characters", "short"])
def test_on_a_phone_the_first_result_is_in_the_first_screen(phone, live_server, text) -> None:
    phone.goto(f"{live_server}/search?q={quote_plus(text)}")
    first = phone.locator(".results .result").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < FIRST_SCREEN, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    facets = phone.locator("details.facets")
    if facets.count():
        assert facets.evaluate("element => element.open") is False  # folded on a phone
    if text == PASTED_DIALOG:
        assert phone.locator("h1").inner_text() == (
            "Results for the error you pasted: 0x800CCC90, 0x800CCC18")


def test_facets_are_open_on_a_wide_screen(page, live_server) -> None:
    page.goto(f"{live_server}/search?q=outlook")
    facets = page.locator("details.facets")
    if facets.count():
        assert facets.evaluate("element => element.open") is True


def test_suggestions_as_you_type_with_arrows_enter_and_escape(page, live_server) -> None:
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name=re.compile("Paste an error code"))
    expect(box).to_be_focused()  # the home box has focus
    box.press_sequentially("0x800cc", delay=20)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("0x800CCC90")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("c", delay=20)  # 0x800ccc: open again
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    active = box.get_attribute("aria-activedescendant")
    assert active == options.first.get_attribute("id")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/codes/0x800CCC"))


def test_a_title_suggestion_opens_the_article(page, live_server) -> None:
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name=re.compile("Paste an error code"))
    box.press_sequentially("xcln err", delay=20)
    option = page.get_by_role("option").filter(has_text="XCLN: ErrMsg")
    expect(option).to_be_visible()
    option.click()
    page.wait_for_url(re.compile(r"/kb/198/Q198704/"))


def test_without_javascript_the_box_is_a_plain_search_box(browser, live_server) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(live_server + "/")
        box = plain.get_by_role("searchbox")
        box.fill("0x800ccc90")
        box.press("Enter")
        plain.wait_for_url(re.compile(r"/search\?q=0x800ccc90"))
        assert plain.locator(".results .result").count() >= 1
    finally:
        context.close()


def test_arrow_keys_move_through_the_results(page, live_server) -> None:
    page.goto(f"{live_server}/search?q=pop3")
    links = page.locator(".results .result h2 a")
    assert links.count() >= 2
    page.locator("main").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowDown")
    expect(links.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(links.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(links.nth(0)).to_be_focused()


def _overlap(one: dict, other: dict) -> bool:
    return not (one["x"] + one["width"] <= other["x"] or other["x"] + other["width"] <= one["x"]
                or one["y"] + one["height"] <= other["y"]
                or other["y"] + other["height"] <= one["y"])


@pytest.mark.parametrize("width", [1280, 390])
def test_the_wizard_button_works_while_suggestions_are_open(browser, live_server,
                                                            width) -> None:
    """The list used to cover "Troubleshoot step by step": a click there opened a
    suggestion. Now it pushes the button down, and a click on it opens the wizard."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(live_server + "/")
        box = page.get_by_role("combobox", name=re.compile("Paste an error code"))
        box.press_sequentially("0x800cc", delay=20)
        listbox = page.get_by_role("listbox")
        expect(listbox.get_by_role("option").first).to_be_visible()
        button = page.get_by_role("button", name="Troubleshoot step by step")
        for control in (button, page.get_by_role("button", name="Search", exact=True)):
            assert not _overlap(listbox.bounding_box(), control.bounding_box())
        button.click()
        page.wait_for_url(re.compile(r"/troubleshoot\?q=0x800cc$"))
    finally:
        context.close()


def test_the_suggestions_close_when_the_person_leaves_the_box(page, live_server) -> None:
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name=re.compile("Paste an error code"))
    listbox = page.get_by_role("listbox")
    box.press_sequentially("0x800cc", delay=20)
    expect(listbox).to_be_visible()
    page.get_by_role("heading", name="Browse by product").click()  # a press elsewhere
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("End")
    box.press_sequentially("c", delay=20)
    expect(listbox).to_be_visible()
    box.press("Tab")  # to Search: still in the form, the list stays
    expect(listbox).to_be_visible()
    page.keyboard.press("Tab")  # to the wizard button
    page.keyboard.press("Tab")  # out of the form
    expect(listbox).to_be_hidden()


def test_in_the_header_the_suggestions_cover_no_button_of_the_form(page, live_server) -> None:
    page.goto(live_server + "/kb/198/Q198704/")
    box = page.get_by_role("combobox")
    box.press_sequentially("0x800cc", delay=20)
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option").first).to_be_visible()
    search = page.get_by_role("button", name="Search", exact=True)
    assert not _overlap(listbox.bounding_box(), search.bounding_box())
    box.press("Escape")
    expect(listbox).to_be_hidden()
