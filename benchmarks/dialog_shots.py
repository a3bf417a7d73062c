"""Generated error-dialog screenshots for the screenshot benchmark (issue 23).

Messages and codes are taken from the archive's articles (the quoted error messages of
their Symptoms, read by benchmarks/search_cases.py, which shares nothing with the app's
parser), and drawn in Chromium as dialogs of the archive's era (grey 3-D, blue title
bar) and of today's (flat white, dark mode), with a title bar, an icon, the message
and buttons; at 96 and 144 dpi (deviceScaleFactor 1 and 1.5); in three fonts; plus
screens of 1920x1080 with a busy desktop (wallpaper, icons, windows, taskbar) behind
the dialog. The set goes to a folder in /tmp, never into the repository:

    python benchmarks/dialog_shots.py --out /tmp/screenshot/shots [--count 200] [--busy 20]

It writes one PNG per case and `cases.jsonl`: file, article id, the message as typed,
its codes (the app's typed-code reading), style, font, scale.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import SKIP_MESSAGE, corpus_dir, iter_raw_articles
from benchmarks.search_cases import _distinctive, error_messages, sections

FONTS = ("DejaVu Sans", "Liberation Sans", "Liberation Serif")
STYLES = ("classic", "modern", "dark")
SCALES = (1, 1.5)
TITLES = ("Microsoft Outlook", "Microsoft Internet Explorer", "Windows", "Microsoft Word",
          "Setup", "Microsoft Excel", "Internet Information Services", "Error")

CSS = """
body { margin: 0; background: transparent; }
.dialog { display: inline-block; min-width: 300px; max-width: 460px; font-size: 12px; }
.title { display: flex; justify-content: space-between; padding: 3px 6px; }
.body { display: flex; gap: 14px; padding: 16px 14px 10px; }
.icon { flex: none; width: 32px; height: 32px; border-radius: 50%; background: #d52b1e;
  color: #fff; font: bold 22px/32px sans-serif; text-align: center; }
.msg p { margin: 0 0 8px; }
.buttons { display: flex; justify-content: center; gap: 8px; padding: 6px 12px 12px; }
.buttons span { min-width: 70px; text-align: center; padding: 3px 8px; }
.classic { background: #c0c0c0; color: #000; border: 1px solid; padding: 1px;
  border-color: #dfdfdf #000 #000 #dfdfdf;
  box-shadow: inset -1px -1px #808080, inset 1px 1px #fff; }
.classic .title { background: linear-gradient(90deg, #000080, #1084d0); color: #fff;
  font-weight: bold; }
.classic .buttons span { border: 2px outset #fff; background: #c0c0c0; }
.modern { background: #fff; color: #1b1b1b; border: 1px solid #888;
  box-shadow: 0 8px 24px rgba(0,0,0,.35); font-size: 13px; }
.modern .title { background: #fff; color: #000; padding: 8px 10px; }
.modern .buttons { background: #f0f0f0; justify-content: flex-end; }
.modern .buttons span { border: 1px solid #adadad; background: #e1e1e1; }
.dark { background: #2b2b2b; color: #f2f2f2; border: 1px solid #555; font-size: 13px; }
.dark .title { background: #202020; color: #fff; padding: 8px 10px; }
.dark .buttons { background: #202020; justify-content: flex-end; }
.dark .buttons span { border: 1px solid #777; background: #3a3a3a; }
.desktop { position: relative; width: 1920px; height: 1080px; overflow: hidden;
  background: linear-gradient(135deg, #1d5fa8, #6aa84f 45%, #e69138 80%, #3d1c6e); }
.desk-icon { position: absolute; width: 80px; text-align: center; color: #fff;
  font: 12px sans-serif; text-shadow: 1px 1px 2px #000; }
.desk-icon i { display: block; width: 40px; height: 40px; margin: 0 auto 4px;
  background: #ffd966; border: 2px solid #fff; }
.window { position: absolute; background: #fff; border: 1px solid #555; font: 14px serif;
  color: #333; padding: 30px 12px 12px; overflow: hidden; }
.window b { position: absolute; top: 0; left: 0; right: 0; padding: 4px 8px;
  background: #dde; font: 13px sans-serif; }
.taskbar { position: absolute; left: 0; right: 0; bottom: 0; height: 40px;
  background: #1c1c1c; color: #fff; font: 13px sans-serif; display: flex;
  align-items: center; justify-content: space-between; padding: 0 14px; }
.centre { position: absolute; left: 50%; top: 45%; transform: translate(-50%, -50%); }
"""

FILLER = ("Quarterly report draft. Please review the attached figures before the meeting "
          "on Thursday; the totals for the northern region are still missing. ") * 6


def dialog_html(message: str, title: str, style: str, font: str) -> str:
    """One dialog: title bar with a close box, a red icon, the message, OK (and Help)."""
    paragraphs = "".join(f"<p>{html.escape(part)}</p>" for part in message.split("\n"))
    buttons = "<span>OK</span>" + ("<span>Help</span>" if style == "classic" else "")
    return (f'<div class="dialog {style}" style="font-family: \'{font}\'">'
            f'<div class="title"><span>{html.escape(title)}</span><span>X</span></div>'
            f'<div class="body"><div class="icon">X</div><div class="msg">{paragraphs}</div>'
            f'</div><div class="buttons">{buttons}</div></div>')


def desktop_html(dialog: str, rng: random.Random) -> str:
    """A busy 1920x1080 desktop: icons with names, two windows of text, a taskbar."""
    names = ("Recycle Bin", "My Documents", "Budget 2024.xls", "Network", "Setup.exe",
             "Notes.txt", "Outlook", "Photos")
    icons = "".join(f'<div class="desk-icon" style="left:{20 + 100 * (i // 6)}px;'
                    f'top:{20 + 100 * (i % 6)}px"><i></i>{name}</div>'
                    for i, name in enumerate(names))
    windows = "".join(
        f'<div class="window" style="left:{rng.randint(300, 900)}px;top:{rng.randint(40, 400)}px;'
        f'width:{rng.randint(500, 800)}px;height:{rng.randint(300, 500)}px">'
        f'<b>{label}</b>{FILLER}</div>' for label in ("Report.doc - Word", "Inbox - Outlook"))
    clock = f"{rng.randint(1, 12)}:{rng.randint(0, 59):02d} PM"
    return (f'<div class="desktop">{icons}{windows}<div class="taskbar"><span>Start</span>'
            f'<span>{clock}</span></div><div class="centre">{dialog}</div></div>')


def pick_messages(kb: Path, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(article id, message) pairs, about half of them with a code in the message."""
    from app.codes.recognise import codes_in_query

    with_code: list[tuple[str, str]] = []
    plain: list[tuple[str, str]] = []
    for article_id, _title, body in iter_raw_articles(kb):
        symptoms = sections(body).get("SYMPTOMS", [])
        for message in error_messages(symptoms)[:1]:
            if 4 <= len(message.split()) <= 45 and "<" not in message:
                if codes_in_query(message):
                    with_code.append((article_id, message))
                elif _distinctive(message):
                    plain.append((article_id, message))
    half = count // 2
    return rng.sample(with_code, min(half, len(with_code))) + rng.sample(plain, count - half)


def render(cases: list[dict], out: Path) -> None:
    """Draw every case with one Chromium; the dialog alone, or the whole busy desktop."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])
        for scale in SCALES:
            busy_size = {"width": int(1920 / scale), "height": int(1080 / scale)}
            context = browser.new_context(device_scale_factor=scale, viewport=busy_size)
            page = context.new_page()
            for case in (c for c in cases if c["scale"] == scale):
                page.set_content(f"<style>{CSS}</style>{case.pop('html')}")
                if case["busy"]:
                    page.evaluate(f"document.querySelector('.desktop').style.zoom = {1 / scale}")
                    page.screenshot(path=str(out / case["file"]))
                else:
                    page.locator(".dialog").screenshot(path=str(out / case["file"]))
            context.close()
        browser.close()


def build(out: Path, count: int, busy: int, seed: int = 23) -> list[dict]:
    from app.codes.recognise import codes_in_query

    kb = corpus_dir()
    if kb is None:
        raise SystemExit(SKIP_MESSAGE)
    kb = kb / "kb" if (kb / "kb").is_dir() else kb
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for number, (article_id, message) in enumerate(pick_messages(kb, count + busy, rng)):
        style, font = STYLES[number % 3], FONTS[(number // 3) % 3]
        scale = SCALES[(number // 9) % 2]
        dialog = dialog_html(message, rng.choice(TITLES), style, font)
        is_busy = number >= count
        cases.append({
            "file": f"shot{number:04d}.png", "article": article_id, "typed": message,
            "codes": codes_in_query(message), "style": style, "font": font, "scale": scale,
            "busy": is_busy, "html": desktop_html(dialog, rng) if is_busy else dialog,
        })
    render(cases, out)
    with (out / "cases.jsonl").open("w", encoding="utf-8") as file:
        for case in cases:
            file.write(json.dumps(case) + "\n")
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/screenshot/shots"))
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--busy", type=int, default=20)
    args = parser.parse_args()
    cases = build(args.out, args.count, args.busy)
    print(f"{len(cases)} screenshots in {args.out} "
          f"({sum(bool(c['codes']) for c in cases)} with a code)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
