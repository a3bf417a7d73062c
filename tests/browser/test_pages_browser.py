"""What a person does in a real browser: search, read an article, share a section,
say whether it helped; with a keyboard, on a phone, and without JavaScript."""

from __future__ import annotations

import re
import sqlite3

import pytest
from playwright.sync_api import expect

ARTICLE = "/kb/198/Q198704/"


def test_search_from_the_home_page_opens_an_article(page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_label("Paste an error code or message, or describe the problem").fill(
        "AUTH protocol exchange was canceled")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.get_by_role("link", name=re.compile("0x800ccc90, 0x800ccc18")).first.click()
    page.wait_for_url(re.compile(re.escape(live_server + ARTICLE)))
    assert page.locator("h1").inner_text().startswith("XCLN: ErrMsg: 0x800ccc90")
    expect(page.get_by_role("heading", name="Workaround")).to_be_visible()


def test_typing_an_article_id_opens_it(page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_role("combobox").fill("kb198704")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + ARTICLE)
    assert page.title().startswith("Q198704:")


def test_a_section_link_in_the_contents_scrolls_to_the_section(page, live_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(live_server + ARTICLE)
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="More Information").click()
    page.wait_for_url(re.compile("#more-information$"))
    heading = page.get_by_role("heading", name="More Information", exact=True)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 200  # at the top of the window


def test_a_shared_section_link_opens_at_that_section(page, live_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(live_server + ARTICLE + "#workaround")
    box = page.get_by_role("heading", name="Workaround", exact=True).bounding_box()
    assert box is not None and 0 <= box["y"] < 200


def test_copy_link_copies_the_sections_permalink(page, live_server: str) -> None:
    page.goto(live_server + ARTICLE + "?q=pop3")
    copy = page.locator("#workaround .copy-link")
    assert copy.inner_text().startswith("Copy link")  # the script has upgraded the link
    copy.click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server + ARTICLE + "#workaround"  # clean: no ?q=
    assert page.url.endswith("#workaround")


def test_search_words_are_highlighted_on_the_article(page, live_server: str) -> None:
    page.goto(live_server + "/search?q=AUTH+protocol+exchange")
    page.get_by_role("link", name=re.compile("0x800ccc90, 0x800ccc18")).first.click()
    page.wait_for_url(re.compile(r"/kb/198/Q198704/\?q="))
    marks = page.locator("mark.hit").all_inner_texts()
    assert {"AUTH", "protocol", "exchange"} <= set(marks)


def test_feedback_is_saved_and_thanked(page, live_server: str, live_app) -> None:
    page.goto(live_server + ARTICLE)
    page.get_by_label("What was missing or wrong?").fill("Worked after switching to Clear Text")
    page.get_by_role("button", name="Yes, it helped").click()
    page.wait_for_url(re.compile(r"\?thanks=1#feedback$"))
    expect(page.get_by_text("Thank you")).to_be_visible()
    with sqlite3.connect(live_app.config["ACTIVITY_DB"]) as db:
        rows = db.execute("SELECT article_id, helpful, comment FROM votes").fetchall()
    assert ("Q198704", 1, "Worked after switching to Clear Text") in rows


def test_staff_sign_in_and_see_the_feedback(page, live_server: str, live_app) -> None:
    from app.staff.accounts import add_account, get_account

    engine = live_app.extensions["activity_engine"]
    if get_account(engine, "reader") is None:
        add_account(engine, "reader", "agent", "browser-test-password", actor="test")
    page.goto(live_server + "/staff/")
    page.get_by_label("Name").fill("reader")
    page.get_by_label("Password").fill("browser-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Feedback by article").click()
    expect(page.get_by_role("heading", name="Feedback on articles")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_keyboard_only_skip_link_then_search(page, live_server: str) -> None:
    page.goto(live_server + ARTICLE)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    expect(skip).to_be_visible()  # shown on focus
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.name") == "q"


def test_a_bare_slash_is_no_shortcut(page, live_server: str) -> None:
    """WCAG 2.1.4: a one-character shortcut fires when speech input types it; the
    search box's shortcut needs a modifier (Ctrl+K, Cmd+K on a Mac) and says so."""
    page.goto(live_server + ARTICLE)
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") != "q"
    box = page.get_by_role("combobox", name=re.compile("Paste an error code"))
    assert box.get_attribute("aria-keyshortcuts") == "Control+K Meta+K"
    page.keyboard.press("Meta+k")
    expect(box).to_be_focused()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_wide_code_block_and_table_scroll_from_the_keyboard(browser, live_server: str,
                                                              width: int) -> None:
    from tests.browser.conftest import WIDE_ARTICLE

    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/kb/900/{WIDE_ARTICLE}/")
        code = page.locator(".kb-body pre")
        expect(code).to_have_attribute("tabindex", "0")
        expect(code).to_have_attribute("role", "region")
        expect(code).to_have_attribute("aria-label", "Text in “Symptoms”, scrolls sideways")
        code.focus()
        page.keyboard.press("ArrowRight")
        # Polled from here: wait_for_function's string predicate needs eval, which the
        # page's Content-Security-Policy (rightly) refuses once it has to poll.
        for _ in range(100):
            if page.evaluate("document.querySelector('.kb-body pre').scrollLeft") > 0:
                break
            page.wait_for_timeout(50)
        assert page.evaluate("document.querySelector('.kb-body pre').scrollLeft") > 0
        table = page.get_by_role("table", name="Table in “Symptoms”, scrolls sideways")
        if width == 390:  # four columns fit a desktop, not a phone
            expect(table).to_have_attribute("tabindex", "0")
        else:
            assert page.locator(".kb-body table").get_attribute("tabindex") is None
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_a_code_block_that_fits_is_no_tab_stop(page, live_server: str) -> None:
    page.goto(live_server + ARTICLE)
    pre = page.locator(".kb-body pre").first
    assert pre.get_attribute("tabindex") is None and pre.get_attribute("role") is None


def test_the_articles_code_links_are_big_enough_to_hit(page, live_server: str) -> None:
    page.goto(live_server + ARTICLE)
    for link in page.locator("aside.meta .codes a").all():
        box = link.bounding_box()
        assert box is not None and box["height"] >= 24, box


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_article_fits_a_phone(browser, live_server: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  color_scheme=scheme)
    try:
        phone = context.new_page()
        phone.goto(live_server + ARTICLE)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        background = phone.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(15, 20, 25)") == (scheme == "dark")
    finally:
        context.close()


def test_without_javascript_links_and_feedback_still_work(browser, live_server: str,
                                                          live_app) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(live_server + ARTICLE)
        copy = plain.locator("#cause .copy-link")
        assert copy.inner_text().startswith("Link")
        copy.click()
        assert plain.url.endswith("#cause")
        plain.get_by_role("button", name="No").click()
        plain.wait_for_url(re.compile(r"thanks=1"))
        expect(plain.get_by_text("Thank you")).to_be_visible()
    finally:
        context.close()


def test_printing_an_article_leaves_out_the_page_furniture(page, live_server: str) -> None:
    page.goto(live_server + ARTICLE + "?q=pop3")
    page.emulate_media(media="print")
    for hidden in ["header.site", ".toc", ".copy-link", "#feedback", ".related",
                   ".highlight-note"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    expect(page.get_by_role("heading", name="Workaround", exact=True)).to_be_visible()
    expect(page.locator("aside.meta")).to_be_visible()  # products, versions, date stay
    mark = page.locator("mark.hit").first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert mark in ("rgba(0, 0, 0, 0)", "transparent")
