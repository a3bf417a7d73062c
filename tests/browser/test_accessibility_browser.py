"""Every page a person can reach, checked by axe-core against WCAG 2.2 AA in Chromium:
at desktop and phone width, in the light and the dark colour scheme.

axe-core comes from the `axe-playwright-python` package (requirements-dev.txt), which
ships `axe.min.js`: nothing is downloaded when the tests run. Every `<details>` is
opened before the check, so what a click would show (the hand-over, the facets on a
phone, a pasted text) is checked too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

axe_playwright = pytest.importorskip(
    "axe_playwright_python.sync_playwright",
    reason="axe-core is missing: `make test` installs it (axe-playwright-python in "
           "requirements-dev.txt)")

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = [1280, 390]
SCHEMES = ["light", "dark"]
ARTICLE = "/kb/198/Q198704/"
WIZARD = "/troubleshoot?q=0x800CCC90"
STAFF_PASSWORD = "a11y-test-password"


def _to_these_might_fit(page, base: str) -> None:
    """From the wizard's first question, "Not sure" to each until the list of articles
    that might fit, beside the likeliest one's fix (the walk a person unsure of every
    answer takes)."""
    page.goto(base + WIZARD)
    for _ in range(8):
        if page.locator("#others-heading").count() or page.get_by_role(
                "heading", level=1).inner_text().startswith("These might fit"):
            return
        page.locator("a.option.unsure").first.click()
        page.wait_for_load_state()
    raise AssertionError("no 'These might fit' screen after 8 'Not sure' answers")


def _home_with_suggestions(page, base: str) -> None:
    page.goto(base + "/")
    page.get_by_role("combobox").press_sequentially("0x800cc", delay=20)
    page.get_by_role("listbox").wait_for()


def _signed_in_staff_overview(page, base: str) -> None:
    """Signs in as the agent `a11y` (made by the test) through the form, as staff do."""
    page.goto(base + "/staff/")
    page.get_by_label("Name").fill("a11y")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1).wait_for()


# name -> a path, or a function that brings the page there.
PAGES: dict[str, str | Callable] = {
    "home": "/",
    "home, suggestions open": _home_with_suggestions,
    "results": "/search?q=0x800CCC90",
    "results of a pasted dialog": (
        "/search?q=Your+server+has+unexpectedly+terminated+the+connection.+Possible+causes"
        "+for+this+include+server+problems.+Server+Error:+0x800CCC90,+Error+Number:"
        "+0x800CCC18"),
    "empty search": "/search?q=",
    "no results": "/search?q=zzyzx+quuxle",
    "code page": "/codes/0x800CCC90",
    "code page, a digit short": "/codes/0x800CCC9",
    "article": ARTICLE,
    "article, words highlighted": ARTICLE + "?q=pop3+auth",
    "article with a table and a wide command": "/kb/900/Q900190/",
    "product page": "/products/microsoft-exchange/",
    "related": ARTICLE + "related",
    "wizard start": "/troubleshoot",
    "wizard question": WIZARD,
    "question asked again": "/troubleshoot?q=0x80070570&os=not-sure",
    "fix step": WIZARD + "&code=0x800ccc18",
    "these might fit": _to_these_might_fit,
    "hand-over": WIZARD + "&code=0x800ccc18&article=Q198704&at=custom-recipient&end=dead-end",
    "error 404": "/no/such/page",
    "staff sign-in": "/staff/sign-in",
    "staff overview": _signed_in_staff_overview,
}


def _open(page, base: str, name: str) -> None:
    where = PAGES[name]
    if callable(where):
        where(page, base)
    else:
        response = page.goto(base + where)
        assert response is not None
        assert response.status == (404 if name == "error 404" else 200), name
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def _report(results) -> str:
    lines = []
    for violation in results.response["violations"]:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_no_wcag_22_aa_violations(browser, live_server: str, live_app, name: str, width: int,
                                  scheme: str) -> None:
    from app.staff.accounts import add_account, get_account

    engine = live_app.extensions["activity_engine"]
    if get_account(engine, "a11y") is None:
        add_account(engine, "a11y", "agent", STAFF_PASSWORD, actor="test")
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme,
        is_mobile=width < 600, has_touch=width < 600)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        _open(page, live_server, name)
        results = axe_playwright.Axe().run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                           "resultTypes": ["violations"]})
        assert results.violations_count == 0, (
            f"{name} at {width}px, {scheme}:\n{_report(results)}")
    finally:
        context.close()
