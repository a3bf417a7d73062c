"""axe-core (WCAG 2.2 AA) over pages of the full archive, which the browser tests' small
world cannot show: 1,000-line code listings, wide tables, long code lists, pagers.

    FLASK_KB_DIR=/tmp/mskb/kb FLASK_INDEX_DIR=... flask --app app run --port 5300 &
    python benchmarks/axe_archive.py --url http://127.0.0.1:5300 [--password STAFF]

Each page at 1280 and 390 px, light and dark, every <details> opened, as
tests/browser/test_accessibility_browser.py does. Prints each violation (page, width,
scheme, rule, elements) and the totals: checks, failed checks, violations by rule.
"""

from __future__ import annotations

import argparse
from collections import Counter

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PASTED = ("Your server has unexpectedly terminated the connection. Possible causes for this "
          "include server problems, network problems, or a long period of inactivity. "
          "Account: 'pop.example.com', Server: 'pop.example.com', Protocol: POP3, Server "
          "Response: '-ERR The AUTH protocol exchange was canceled by the client.', Port: "
          "110, Secure(SSL): No, Server Error: 0x800CCC90, Error Number: 0x800CCC18")
PAGES = [
    "/", "/search?q=0x800CCC90", "/search?q=printer+prints+garbage", "/search?q=outlook",
    "/search?q=" + PASTED.replace(" ", "+"), "/search?q=", "/search?q=zzqqxx+blorpt",
    "/search?q=exchnage+servr", "/codes/0x800CCC90", "/codes/0xC0000005", "/codes/0x800CCC9",
    "/codes/0x000401E0",
    "/kb/198/Q198704/",   # the seed
    "/kb/95/Q95722/", "/kb/101/Q101520/",  # tables
    "/kb/96/Q96060/", "/kb/69/Q69297/",  # long and wide listings, many codes
    "/kb/19/Q19785/", "/kb/11/Q11876/",  # code links inside listings
    "/kb/198/Q198704/?q=pop3+auth", "/kb/198/Q198704/related",
    "/products/microsoft-exchange/", "/products/microsoft-exchange/?page=3",
    "/troubleshoot", "/troubleshoot?q=printer+prints+garbage",
    "/troubleshoot?q=0x800CCC90&code=0x800ccc18", "/troubleshoot?q=zzqqxx+blorpt",
    "/no/such/page", "/admin/", "/admin/feedback",
]


def survey(url: str, password: str) -> tuple[int, int, Counter[str]]:
    """(checks, failed checks, violations by rule), printing each violation."""
    axe, checks, failed, rules = Axe(), 0, 0, Counter[str]()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        for width in (1280, 390):
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme,
                    is_mobile=width < 600, has_touch=width < 600,
                    http_credentials={"username": "staff", "password": password})
                page = context.new_page()
                for path in PAGES:
                    page.goto(url + path)
                    page.evaluate("document.querySelectorAll('details')"
                                  ".forEach(d => { d.open = true; })")
                    found = axe.run(page, options={
                        "runOnly": {"type": "tag", "values": WCAG_22_AA},
                        "resultTypes": ["violations"]}).response["violations"]
                    checks += 1
                    failed += bool(found)
                    for violation in found:
                        rules[violation["id"]] += 1
                        targets = " | ".join(" ".join(n["target"]) for n in violation["nodes"][:4])
                        print(f"{width} {scheme} {path[:70]}: {violation['id']} "
                              f"x{len(violation['nodes'])}: {targets}", flush=True)
                context.close()
        browser.close()
    return checks, failed, rules


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000")
    parser.add_argument("--password", default="", help="ADMIN_PASSWORD, for /admin/")
    args = parser.parse_args()
    checks, failed, rules = survey(args.url.rstrip("/"), args.password)
    print(f"{len(PAGES)} pages x 2 widths x 2 schemes: {checks} checks, {failed} failed, "
          f"{sum(rules.values())} violations {dict(rules)}")


if __name__ == "__main__":
    main()
