"""A screenshot pasted into the home page: read, put in the search box, and on to the
results for the code the dialog shows."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import expect

from tests.imagetools import dialog_png

DIALOG = dialog_png(["The connection to the server has failed.",
                     "Protocol: SMTP, Port: 25, Error Number: 0x800CCC0F"], size=15)

PASTE = """(data) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const file = new File([bytes], "screenshot.png", { type: "image/png" });
  const clipboard = new DataTransfer();
  clipboard.items.add(file);
  document.dispatchEvent(new ClipboardEvent("paste", { clipboardData: clipboard,
                                                      bubbles: true, cancelable: true }));
}"""


def test_a_pasted_screenshot_lands_on_the_results_for_its_code(page, live_server) -> None:
    page.goto(live_server + "/")
    page.evaluate(PASTE, base64.b64encode(DIALOG).decode("ascii"))
    expect(page).to_have_url(re.compile(r"/search\?q=.*0x800CCC0F.*from=image"),
                             timeout=30_000)
    expect(page.locator("#q-top")).to_have_value(re.compile("0x800CCC0F"))
    expect(page.locator(".image-read")).to_contain_text("read from your screenshot")
    first = page.locator(".results .result a").first
    expect(first).to_have_attribute("href", re.compile(r"^/kb/helpdesk/Q900001/|Q900001"))


def test_a_file_that_is_no_picture_says_so_and_stays_on_the_page(page, live_server) -> None:
    page.goto(live_server + "/")
    page.set_input_files("#image-file-search", files=[{
        "name": "error.png", "mimeType": "image/png", "buffer": b"Error 0x800CCC0F"}])
    page.get_by_role("button", name="Read it and search").click()
    expect(page.locator("[data-image-status]")).to_contain_text("not a picture")
    assert page.url.rstrip("/") == live_server


def test_text_copied_with_a_picture_of_itself_is_pasted_as_text(page, live_server) -> None:
    """Word and web pages put a picture beside the text they copy: that is a text paste."""
    page.goto(live_server + "/")
    page.evaluate(PASTE.replace("clipboard.items.add(file);", "clipboard.items.add(file); "
                                "clipboard.setData('text/plain', 'printer prints garbage');"),
                  base64.b64encode(DIALOG).decode("ascii"))
    page.wait_for_timeout(500)
    assert page.url.rstrip("/") == live_server
    expect(page.locator("[data-image-status]")).to_have_text("")
