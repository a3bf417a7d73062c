"""The lead's insights, in Chromium: 30 scripted visits (searches with and without a
result opened, walks ending fixed and handed over, votes), then the dashboard's tables
and SVG charts carry the expected counts (read from the SVG's data, not its pixels),
three spellings of one code are one gap, a pin marks that gap answered, and an
article written from another gap's "write an article" link and published marks that
one answered by it."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from app.staff.accounts import add_account
from tests.browser.conftest import _closing
from tests.conftest import KB

PORTS = range(5900, 6000)   # this suite's own server listens here
PASSWORD = "correct horse battery"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {PORTS}")


@pytest.fixture
def base(tmp_path) -> Iterator[str]:
    """A server of its own (the session's live server is shared: its counts are not
    this test's), with a lead account."""
    kb = KB.of(tmp_path, {}, with_repository_kb=True, config={"SECRET_KEY": "insights"})
    add_account(kb.app.extensions["activity_engine"], "lena", "lead", PASSWORD, actor="test")
    server = make_server("127.0.0.1", free_port(), _closing(kb.app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        kb.close()


@pytest.fixture
def tab(browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def visit(page: Page, base: str) -> int:
    """The scripted visits; how many pages they loaded."""
    loads = 0

    def go(path: str) -> None:
        nonlocal loads
        page.goto(base + path)
        loads += 1

    def click(role: str, name: str) -> None:
        nonlocal loads
        page.get_by_role(role, name=name, exact=True).first.click()
        page.wait_for_load_state()
        loads += 1

    for typed in ("0x800ccc0e zzqx", "0x800CCC0E zzqx", "error 0x800ccc0e zzqx"):
        go(f"/search?q={typed}")                                   # 3 gaps, one code
    for _ in range(2):                                             # a result opened, helpful
        go("/search?q=printer+prints+garbage")
        click("link", "Printer prints pages of garbage characters")
    click("button", "Yes, it helped")                              # "Was this helpful?" yes
    go("/search?q=vpn+drops+zzqx")                                 # nothing found
    for _ in range(2):                                             # two walks fixed
        go("/troubleshoot?q=printer+prints+garbage")
        click("button", "Yes, it works now")
        click("button", "Yes")                                     # not an article vote
    for _ in range(2):                                             # two hand-overs
        go("/troubleshoot?q=mail+problem")
        click("link", "Outlook Express")
        click("link", "None of these")
    go("/troubleshoot?q=printer+prints+garbage")                   # a third: ask a person
    click("button", "No, ask a person")
    while loads < 30:                                              # reading articles
        go("/kb/900/Q900005/")
    return loads


def cell(page: Page, measure: str, day: str) -> str:
    table = page.locator(f"table.chart-table[data-measure='{measure}']")
    return table.locator("tr", has=page.locator(f"th:text-is('{day}')")).locator(
        "td").get_attribute("data-value")


def test_thirty_visits_then_the_lead_reads_them_in_tables_and_charts(tab: Page, base) -> None:
    assert visit(tab, base) == 30
    tab.goto(base + "/staff/sign-in?next=/staff/insights/")
    tab.get_by_label("Name").fill("lena")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    expect(tab.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    today = time.strftime("%Y-%m-%d", time.gmtime())
    totals = {m: tab.locator(f"svg[data-measure='{m}']").get_attribute("data-total")
              for m in ("fixed", "handed_over", "helpful", "abandoned")}
    assert totals == {"fixed": "2", "handed_over": "3", "helpful": "1", "abandoned": "0"}
    bar = tab.locator(f"svg[data-measure='fixed'] rect[data-label='{today}']")
    assert bar.get_attribute("data-value") == "2"
    assert cell(tab, "fixed", today) == "2" and cell(tab, "handed_over", today) == "3"
    assert cell(tab, "share", today) == "50"              # (2 fixed + 1 helpful) of 6
    gap = tab.locator("tr[data-gap='code:0x800CCC0E']")
    assert gap.locator("td[data-hits]").inner_text() == "3"
    for typed in ("0x800ccc0e zzqx", "0x800CCC0E zzqx", "error 0x800ccc0e zzqx"):
        expect(gap).to_contain_text(typed)
    assert tab.locator("tr[data-gap^='code:']").count() == 1   # one gap, not three
    walks = tab.locator("table[data-table='walks'] tbody tr")
    assert walks.count() == 5
    expect(walks.first).to_contain_text("Handed over")
    gap.get_by_role("link", name="pin an article").click()
    expect(tab.get_by_label("For this error code or search")).to_have_value("0x800CCC0E")
    tab.get_by_label("Find the article to pin").fill("pop3 ssl")
    tab.get_by_role("button", name="Find articles").click()
    tab.locator("button[data-pin='Q900001']").click()
    expect(tab.get_by_text("Pinned Q900001")).to_be_visible()
    answered = tab.locator("tr[data-gap='code:0x800CCC0E'] [data-answered]")
    deadline = time.monotonic() + 5    # other workers see a pin within a second or two
    while True:
        tab.goto(base + "/staff/insights/")
        if answered.count() or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    expect(answered).to_have_text(f"answered {today} by a pin")

    write_from_the_gap_link(tab, base, today)


def write_from_the_gap_link(tab: Page, base: str, today: str) -> None:
    """The "vpn drops" gap's link opens the editor filled in; published, the gap is
    answered by that article."""
    gap = tab.locator("tr[data-gap='words:drop vpn zzqx']")
    expect(gap.locator("[data-answered]")).to_have_count(0)
    gap.get_by_role("link", name="write an article").click()
    expect(tab.get_by_label("Title")).to_have_value("vpn drops zzqx")
    identifier = tab.get_by_label(re.compile("^Id")).input_value()
    tab.get_by_label("Title").fill("VPN drops zzqx every few minutes")
    tab.get_by_label(re.compile("^Article")).fill(
        "## Symptoms\n\nThe VPN drops.\n\n## Resolution\n\n1. Turn off power saving.\n")
    tab.get_by_label(re.compile("^What changed")).fill("First version")
    tab.get_by_role("button", name="Publish").click()
    expect(tab.locator("[data-published]")).to_contain_text("Version 1 is saved")
    tab.goto(base + "/staff/insights/")
    answered = tab.locator("tr[data-gap='words:drop vpn zzqx'] [data-answered]")
    expect(answered).to_have_attribute("data-answered-by", identifier)
    expect(answered).to_have_text(f"answered {today} by {identifier}")
    tab.set_viewport_size({"width": 390, "height": 844})   # a lead's phone: one card a gap
    tab.reload()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    expect(tab.locator("tr[data-gap='code:0x800CCC0E'] td[data-hits]")).to_have_accessible_name(
        "People: 3")   # each value named on its card
