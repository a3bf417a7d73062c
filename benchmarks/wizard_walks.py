"""Eleven problems walked through the wizard in Chromium as a person would, with screenshots.

The app must already be serving (e.g. on the full archive's index); each walk starts on
the home page, types the problem into the one box and presses "Troubleshoot step by
step", then reads each screen: on a question it picks the option whose words match what
this person would recognise (`picks`), else "Not sure"; on a fix it answers "Yes" when
the article is the one this person needed (`wants`, or any when none is named), else
"No"; on "These might fit" it picks a matching title or "None of these". It stops at
"Fixed" or at the hand-over, or after 12 screens. Every screen is saved at the width
given, for a person to look at (they go to --out, never into the repository):

    python benchmarks/wizard_walks.py --base http://127.0.0.1:5050 --out /tmp/walks \
        [--width 1280] [--width 390]

Prints one line per screen (kind, heading, what was picked) and per walk the screens
to the end and how it ended.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
MAX_SCREENS = 12


@dataclass
class Walk:
    problem: str
    picks: list[str] = field(default_factory=list)
    wants: str | None = None


WALKS = [
    Walk("outlook express keeps asking for my password, it says -ERR The AUTH protocol "
         "exchange was canceled", ["outlook express", "auth"], "Q198704"),
    Walk("excel says the file is locked for editing by another user", ["excel", "locked"]),
    Walk("my printer prints garbage characters instead of my document", ["print", "garbage"]),
    Walk("the computer won't start, blue screen says inaccessible boot device",
         ["0x0000007b", "inaccessible", "boot"]),
    Walk("I get 0x800CCC0E when I try to send email", ["outlook", "send", "server"]),
    Walk("Microsoft Teams won't let me sign in", ["teams"]),
    Walk("word crashes every time I print", ["word", "print"]),
    Walk("the modem dials but never connects to the internet", ["modem", "dial", "connect"]),
    Walk("internet explorer says the page cannot be displayed", ["internet explorer",
                                                                  "cannot be displayed"]),
    Walk("0x800CCC9", ["0x800ccc90", "pop3"], "Q198704"),
    Walk("blue screen STOP 0x0000000A IRQL_NOT_LESS_OR_EQUAL since I put in the tape backup "
         "software", ["install", "arcserve", "tape"]),
]


def kind_of(page) -> str:
    for css, kind in ((".panel.fix", "fix"), (".panel.question", "question"),
                      (".panel.fits", "fits"), (".panel.ask-person", "hand-over"),
                      (".panel.done", "fixed")):
        if page.locator(css).count():
            return kind
    return "other"


def matching(labels: list[str], picks: list[str]) -> int | None:
    for number, label in enumerate(labels):
        if any(word in label.lower() for word in picks):
            return number
    return None


def fix_answer(page, walk: Walk) -> str:
    article = page.locator(".panel.fix .kb-id a").first.inner_text().strip()
    right = walk.wants is None or article == walk.wants
    names = ["Yes, it works now", "Yes", "It is fixed"] if right else [
        "No", "Not fixed", "Skip this"]
    for name in names:
        button = page.get_by_role("button", name=re.compile("^" + re.escape(name)))
        if button.count():
            button.first.click()
            return f"{article}: {name}"
    return f"{article}: no answer found"


def step(page, walk: Walk) -> tuple[str, str]:
    """One screen: (kind, what this person did on it)."""
    kind = kind_of(page)
    if kind == "question":
        options = page.locator(".panel.question a.option")
        labels = [options.nth(n).inner_text().strip() for n in range(options.count())]
        chosen = matching(labels, walk.picks)
        if chosen is None:
            page.locator(".panel.question a.option.unsure").first.click()
            return kind, f"Not sure (of {labels[:6]})"
        options.nth(chosen).click()
        return kind, f"picked {labels[chosen]!r}"
    if kind == "fits":
        fits = page.locator(".panel.fits a.option.fit")
        labels = [fits.nth(n).inner_text().strip() for n in range(fits.count())]
        chosen = matching(labels, walk.picks)
        if chosen is None:
            page.locator(".panel.fits a.option.unsure").first.click()
            return kind, "None of these"
        fits.nth(chosen).click()
        return kind, f"picked {labels[chosen][:80]!r}"
    if kind == "fix":
        return kind, fix_answer(page, walk)
    return kind, ""


def run(base: str, out: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width, "height": 900 if width > 500
                                          else 844})
        for number, walk in enumerate(WALKS, 1):
            page.goto(base + "/")
            page.locator("input[name=q]").first.fill(walk.problem)
            page.get_by_role("button", name=re.compile("Troubleshoot")).first.click()
            page.wait_for_load_state()
            print(f"walk {number} at {width}px: {walk.problem!r}")
            for screen in range(1, MAX_SCREENS + 1):
                heading = page.locator("h1").first.inner_text().strip()
                shot = out / f"walk{number:02d}-{width}-{screen:02d}.png"
                page.screenshot(path=str(shot), full_page=True)
                kind, did = step(page, walk)
                print(f"  {screen:2d} {kind:9s} {heading[:70]!r} {did}")
                if kind in ("fixed", "hand-over", "other"):
                    print(f"  ended: {kind} after {screen} screens")
                    break
                page.wait_for_load_state()
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5050")
    parser.add_argument("--out", type=Path, default=Path("/tmp/walks"))
    parser.add_argument("--width", type=int, action="append")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for width in args.width or [1280, 390]:
        run(args.base.rstrip("/"), args.out, width)
    return 0


if __name__ == "__main__":
    sys.exit(main())
