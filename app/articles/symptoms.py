"""What a person sees happen, as an article's symptoms open: the sentence the wizard
offers when it asks "Which of these sounds most like what happens?". Read strictly, as
seen.py reads messages: a notice, a fact about a product, a set-up or a cause is no
symptom a person recognises.

Measured by hand on a random sample of the options shown (benchmarks/option_sample.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.articles.model import Article, Section
from app.articles.sections import symptom_section
from app.articles.seen import CUT, sentences

SYMPTOM_CHARS = 120
# Longer, up to two lines, where the sentence opens on what the person does or sees:
# "When you switch between the Direct3D and Glide display settings in Microsoft Fighter
# Ace version 2.0, the game may stop responding (hang)." A long sentence opening on a
# program or a setting is mostly a fact about it.
LONG_SYMPTOM_CHARS = 160
PERSON_OPENS = re.compile(r"^((when|whenever|if|after|while|each time|every time) you\b|"
                          r"you\b|an? (error )?message appears\b)", re.I)

NOTICE = re.compile(r"^(important|note|warning|caution|this (step-by-step )?article|"
                    r"the information in this)\b", re.I)


# What a person sees or was doing; a sentence without any of this states a fact.
HAPPENS = re.compile(
    r"(^(when|if|after|while|once|whenever|each time|every time) (you|a user|users|the user)\b"
    r"|^(you|your|users?)\b|\b(you|users?) (may|might|can ?not|cannot|can't|are unable|"
    r"receive|see|get|notice|experience|lose)\b"
    r"|\b(may|might|does|do|did|will|can|could) not\b|\bcannot\b|\bcan't\b|\bno longer\b"
    r"|\b(stops?|stopped) (responding|working)\b|\bhangs?\b|\b(crash|crashes|freezes?)\b"
    r"|\bfails?\b|\bfailed\b|\berror\b|\bmissing\b|\bblank\b|\bincorrect(ly)?\b|\bwrong\b"
    r"|\bgarbled\b|\bcorrupt(ed)?\b|\bdistorted\b|\bdisappears?\b|\bdisappearing\b"
    r"|\bslow(ly)?\b|\bunexpected(ly)?\b|\b(is|are) (not )?(displayed|printed|truncated)\b"
    r"|\btruncates?\b|\bunable\b|\bprompted\b|\binstead of\b|^an? (error )?message appears\b)",
    re.I)
NOT_HAPPENING = re.compile(
    r"(^(note|important|warning|caution|summary|more information|the following|following|"
    r"this (step-by-step )?(article|document|is|file)|these|microsoft (has|recommends|"
    r"provides|offers)|for (more )?information|to |how |you can( now)?\b|you should|"
    r"by default|in (previous|earlier) versions|it is possible|there is a|there are)"
    r"|readme|\barticle\b|\bis designed\b|\benables?\b|\ballows? you\b|\bsupports?\b|"
    r"\bprovides?\b|\bdescribes?\b|\bcontains information\b|\bhas not been tested\b|\?$"
    # ...or leans on a sentence before it: "This problem does not occur when..."
    r"|^(this|these|that|those|it|its|they|also|however|as a result|in addition|then|"
    r"otherwise|regardless|typically|instead|again|here|such|both|and|but|or|so|therefore|"
    r"because|since|thus|without|you might want|you must|no error|similarly|in other cases|"
    r"currently|if you answer)\b|\byou (can|may want|want to)\b|\b(is|are) (stored|used to)\b|"
    # ...or advises: "If the mouse does not work, you should verify that ...".
    r"(?<!that )\byou (should|must)\b|"
    r"\bits own\b|\b(also|previous|above)\b|\b(click|clicks|choose|press) "
    r"(ok|yes|no|cancel)\b|\bneed to\b|\bas a programmer\b|\bby itself\b|\b[A-Z]\.[A-Z]?\.?$"
    r"|\b(this|that|these|the above|the same) (behavior|problem|issue|error|message|manner|"
    r"symptom|situation|condition|case)s?\b|\bwhen this\b|^microsoft\b)", re.I)


def symptom_option(article: Article) -> str:
    """The first whole sentence of the symptoms that says what a person sees or was
    doing, short enough to read as an option; "" when none does. An opening that leads
    to the message says when it appears, and that is offered (`_before_the_message`)."""
    return option_from(_symptom_sentences(symptom_section(article)))


def option_from(openings: Iterable[str]) -> str:
    """The first of `openings` that reads as a symptom option (see `symptom_option`)."""
    for sentence in openings:
        sentence = _before_the_message(sentence) or sentence
        fits = len(sentence) <= SYMPTOM_CHARS or (
            len(sentence) <= LONG_SYMPTOM_CHARS and PERSON_OPENS.match(sentence))
        if (fits and sentence.endswith((".", "!"))
                and sentence[:1].isupper()
                and HAPPENS.search(_past_the_set_up(sentence))
                and not NOT_HAPPENING.search(sentence)
                and not CUT.search(sentence.rstrip(".!"))
                and not re.search(r"\b(following|as follows|below)\b", sentence, re.I)):
            return sentence
    return ""


# An opening that sets the scene: "You have a Visual FoxPro application written using
# @ GET commands.", "You are using WINS for name resolution."
# A person who has started, opened or tried something, or who uses a thing to do
# something, is doing it: "You have started MSN Explorer and you are viewing a Web page."
SCENE = re.compile(r"^You (have (?!problems|trouble|difficulty|been \w+ing|(started|opened|"
                   r"clicked|typed|tried|attempted)\b)|are (using|running)\b(?!.*\bto \w+))"
                   r"(?!.*\band you\b)")


def _past_the_set_up(sentence: str) -> str:
    """The sentence after its scene-setting opening, where what happens must be said:
    "You have a Conner tape device and after 30 seconds your backup application returns
    a hardware error." says it; "You are using WINS for name resolution." does not."""
    scene = SCENE.match(sentence)
    return sentence[scene.end():] if scene else sentence


# The end of an opening that leads to the message: ", you may receive the following
# error message:", " the following error message appears:", "and a pop-up error
# message displays the following:". "The following" names the message (never "one
# of the following printer drivers"); "an error" is no cue where a program
# "encounters an error" (DANGLING then says the opening is not whole).
MESSAGE_CUE = re.compile(
    r"(?=.*\b(?:messages?|errors?|warnings?|dialog)\b)(?=.*\b(?:following|similar to)\b)"
    r"(?:,\s*|\s+)(?:and\s+)?(?:(?:you|users?|the user|a user|clients?|the client)\s+"
    r"(?:(?:may|might|will|can|could)\s+)?(?:receive|get|see|encounter)s?\b|"
    r"(?:one of\s+)?the following\b(?=\s*:|(?:(?!, (?:the|an?|you)\b).){0,40}?\b"
    r"(?:messages?|errors?|warnings?|dialog))|"
    r"(?:an?|this)\s+(?:[\w-]+\s+){0,2}?(?:messages?|errors?|warnings?|dialog)\b).*$", re.I)
WHEN_IT_APPEARS = re.compile(r"^an? (error )?message appears ", re.I)


def symptom_key(sentence: str) -> str:
    """The words that tell one symptom option from another: "An error message appears
    when ..." options differ only after their first words."""
    return WHEN_IT_APPEARS.sub("", sentence)


# A clause saying when it happens: "When you print ...".
WHEN_CLAUSE = re.compile(r"^(when|whenever|if|after|while|as|each time|every time)\b", re.I)
# What is left when the cue is cut from a sentence that needs it: "the compiler displays".
DANGLING = re.compile(r"\b(reports?|displays?|logs?|logged|shows?|states?|says?|returns?|"
                      r"generates?|posts?|sends?|reads?|gives?|writes?|prompts?|indicates?|"
                      r"contains?|produces?|issues?|raises?|throws?|is|are|was|were|be|been|"
                      r"may|might|can|will|gets?|receives?|encounters?|experiences?|yields?|"
                      r"causes?|brings up|using|observe|notice|see|find)$", re.I)
# Who is doing something in a clause: a person ("you", "a user", "clients"), or no one
# named ("when attempting to", "while printing").
PERSON_DOES = re.compile(
    r"^(\w+|each time|every time) (\w+ly )?(you|you're|a user|users|the user|someone|"
    r"(an?|the) administrator|administrators|[\w-]+ing)\b|\b(and|when|while|after|if) you\b|"
    r"\b(users?|administrators?|clients?) (\w+ly )?(tries|try|attempts?|clicks?|runs?|opens?|"
    r"logs?|starts?|submits?|connects?|uses?|types?)\b", re.I)
# A person who has something is in a set-up, not doing anything: "if you have an
# Adaptec SCSI controller" (but "if you have installed ..." is something done).
SET_UP = re.compile(r"^((\w+|each time|every time) )?you have (?!(\w+ly )?\w+(ed|en|un|wn)\b)"
                    r"(?!.*\band (then )?(you )?(attempt|try|run|start|open|click|use|install|"
                    r"print|save|type)\b)", re.I)
# What a person sees happen where no person is named: "when Windows NT starts", "when
# the NET START command is executed", "if your hard disk is full".
SEEN_EVENT = re.compile(
    r"\b(starts?|started|start up|starts up|restarts?|reboots?|boots?|shuts? down|quits?|"
    r"detects?|opens|closes|prints|expires?|expired|attempt is made|(is|are) running$|"
    r"(is|are) (idle|full|lost|blank|empty|(down)?loading|detecting|run|executed|issued|"
    r"started|opened|printed|saved|closed|requested|clicked|pressed|typed|entered|"
    r"displayed))\b", re.I)


def _before_the_message(sentence: str) -> str:
    """What an opening that leads to the quoted message says happens, as a sentence:
    "When you check mail, Outlook Express stops and you receive the following error
    message:" is "When you check mail, Outlook Express stops."; "When you make changes
    to your calendar, you receive the following error message:" is "An error message
    appears when you make changes to your calendar." "" when it is no such opening.

    Articles sharing a message mostly differ here, in when it appears: the one
    question that tells them apart for a person who pasted that message."""
    cue = MESSAGE_CUE.search(sentence)
    if cue is None or cue.start() == 0:
        return ""
    said = sentence[:cue.start()].strip().rstrip(",")
    if len(said.split()) < 4 or CUT.search(said) or DANGLING.search(said):
        return ""
    if re.match(r",?\s*and\b", cue.group()):     # "... stops and you receive": said whole
        return f"{said}."
    if WHEN_CLAUSE.match(said) and _someone_does(said):
        shown = "An error message" if re.search(r"error", cue.group(), re.I) else "A message"
        return f"{shown} appears {said[0].lower()}{said[1:]}."
    return ""


def _someone_does(clause: str) -> bool:
    """Whether a clause saying when the message appears names what a person does or
    sees, not a set-up ("if Netegrity SiteMinder is installed on the server", "if
    there are more than nine functions in your SQL statement") or what a program does
    inside ("when your computer resolves a name that you entered as a CNAME")."""
    if SET_UP.search(clause):
        return False
    return bool(PERSON_DOES.search(clause) or SEEN_EVENT.search(clause))


def _symptom_sentences(section: Section | None) -> Iterator[str]:
    """The opening sentence of the section's first paragraph that is not a notice
    ("IMPORTANT: This article contains information about modifying the registry"):
    an opening stands on its own, a later sentence leans on the ones before it."""
    if section is None:
        return
    for block in section.blocks:
        text = " ".join(block.text.split())
        if block.kind != "para" or not text or NOTICE.match(text):
            continue
        yield sentences(text)[0].strip()
        return
