"""How people say it, and how the archive says it: a small hand-kept table.

People write "freezes", "crashed", "keeps asking for my password", "greyed out"; the
articles write "hangs", "page fault", "prompted for password", "unavailable". Each
entry maps everyday wording (a regular expression over the lower-cased text) to the
archive's own words for it, taken from article titles, symptoms and their
"Additional query words" lines. The expansions are searched beside what was typed,
at a lower weight (app/search/plan.py), so they lift the articles that say the same
thing in their own words and never outrank an article that uses the words typed.
"""

from __future__ import annotations

import re

from app.text.analysis import stems

PHRASINGS: tuple[tuple[str, str], ...] = (
    # hangs and crashes
    (r"\bfr[eo]e?z(?:e|es|ing|en)\b|\blocks? up\b|\blocked up\b",
     "hangs|stops responding|hang"),
    (r"\bcrash(?:es|ed|ing)?\b|\bblows? up\b|\bbombs?\b",
     "page fault|fatal exception|illegal operation|stops responding|unexpectedly quits"),
    (r"\bblue screen\b|\bbsod\b", "stop error|fatal exception"),
    (r"\bkicks? me out\b|\bcloses (?:by )?itself\b|\bjust closes\b|\bdisappears\b",
     "unexpectedly quits|closes"),
    # starting, stopping, signing on
    (r"\bshut(?:ting)? ?down\b|\bturn(?:ing)? off\b", "quit|shut down|shutting down"),
    (r"\blog(?:ging)? ?(?:on|in)\b|\bsign(?:ing)? ?in\b|\blogin\b", "logon|logging on"),
    (r"\b(?:restart|reboot)(?:s|ing|ed)?\b", "restart|reboot|rebooting"),
    (r"\bnothing (?:happens|opens|comes up)\b|\bwon'?t (?:start|open|run|load)\b"
     r"|\bdoes(?:n'?t| not) (?:start|open|run|load)\b",
     "does not start|cannot start|does not respond"),
    # being asked
    (r"\bkeeps? asking\b|\basks? (?:me )?(?:for|to type|again)\b|\bwants me to (?:type|enter)\b"
     r"|\bpops? up asking\b", "prompts|prompted|prompt"),
    # things not there, not working
    (r"\bdisappear(?:ed|s)?\b|\bvanish(?:ed|es)?\b|\bis gone\b|\bwent away\b|\bmissing\b",
     "no longer visible|missing|not displayed"),
    (r"\bdoes(?:n'?t| not) show(?: up)?\b|\bwon'?t show(?: up)?\b|\bnot showing\b"
     r"|\bcan'?t see\b|\bcannot see\b|\bnot (?:there|listed)\b",
     "not recognized|not detected|not visible|not displayed"),
    (r"\b(?:does(?:n'?t| not)|do(?:n'?t| not)|won'?t) work(?: right| properly)?\b"
     r"|\bnot working\b|\bbroken\b",
     "does not work properly|not work correctly|incorrectly"),
    (r"\bgr[ae]y(?:ed)? out\b|\bdimmed\b|\bcan'?t click\b", "unavailable|not available|dimmed"),
    (r"\bgoes back to\b|\bresets? (?:itself )?to\b|\bkeeps? going back\b|\bchanges? back\b",
     "reverts|revert|changes"),
    (r"\b(?:bring|get|got) back\b|\brecover(?:ed|y)?\b|\blost my\b", "recover|lost document"),
    # slow, garbled
    (r"\blags?\b|\blagging\b|\bsluggish\b|\btakes? forever\b|\bslow(?:s|ly)?(?: down)?\b",
     "slow|slow performance|delay"),
    (r"\bsnowflakes?\b|\bgibberish\b|\bgarbled\b|\bweird (?:characters|symbols)\b"
     r"|\bsquiggles\b|\bboxes instead\b", "garbage characters|displayed incorrectly|symbols"),
    # disks, drives, space
    (r"\b(?:hard )?(?:drive|disk) (?:is )?(?:almost |nearly )?full\b|\bout of (?:disk )?space\b"
     r"|\bno (?:disk )?space\b|\blow on space\b", "low disk space|free disk space|disk full"),
    (r"\bcd drive\b|\bcd player\b|\bdvd drive\b", "cd-rom drive|cdrom"),
    # devices and features by their everyday names
    (r"\bjoystick\b|\bgamepad\b", "game controller|joystick"),
    (r"\bnum ?lock\b", "numlock|num lock"),
    (r"\bform ?feed\b", "formfeed"),
    (r"\bspell ?check(?:er|ing)?\b", "spelling|spelling checker"),
    (r"\bhourglass\b|\bspinning\b", "busy pointer|mouse pointer|hourglass"),
    (r"\bvolume\b|\bsound icon\b|\bspeaker icon\b", "volume control|sound"),
    (r"\be-?mail\b|\bemails\b", "mail|e-mail|messages"),
    (r"\bpassword\b", "password|logon|authentication"),
    (r"\bcopies\b|\bone copy\b", "multiple copies|number of copies"),
    (r"\blots of files\b|\bmany files\b|\bbig files?\b|\blarge files?\b",
     "large number of files|large files"),
    (r"\bcomes? in\b|\barrives?\b", "incoming|received"),
    (r"\bscreen (?:res|resolution)\b|\b\d{3,4} ?x ?\d{3,4}\b", "resolution|display settings"),
)
_COMPILED = tuple((re.compile(pattern), expansions.split("|")) for pattern, expansions
                  in PHRASINGS)


def phrasings_by_stem(text: str) -> dict[str, list[str]]:
    """The archive's wordings of what the text says in everyday words (each a short
    phrase), by the stem of each typed word that called for them."""
    lowered = text.lower()
    found: dict[str, list[str]] = {}
    for pattern, expansions in _COMPILED:
        for match in pattern.finditer(lowered):
            for stem in stems(match.group()) or [match.group()]:
                known = found.setdefault(stem, [])
                known += [each for each in expansions if each not in known]
    return found


def archive_phrasings(text: str) -> list[str]:
    """Every archive wording of the text's everyday words, once each."""
    return list(dict.fromkeys(p for each in phrasings_by_stem(text).values() for p in each))
