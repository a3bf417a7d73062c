"""What a person does in a real browser: search, read an article, share a section."""

from __future__ import annotations

import re


def test_search_from_the_home_page_opens_an_article(page, live_server: str) -> None:
    page.goto(live_server + "/")
    page.get_by_label("Paste an error code or message, or describe the problem").fill(
        "AUTH protocol exchange was canceled")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    page.get_by_role("link", name=re.compile("0x800ccc90, 0x800ccc18")).first.click()
    page.wait_for_url(live_server + "/kb/198/Q198704/")
    assert page.locator("h1").inner_text().startswith("XCLN: ErrMsg: 0x800ccc90")
