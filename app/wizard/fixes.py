"""An article's fix as steps a person tries one at a time, or its authored tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.articles.facts import first_sentences
from app.articles.ids import ID_DIGITS
from app.articles.model import Article, Section
from app.articles.sections import FIX_SECTIONS, cause_section, symptom_section
from app.articles.seen import sentences
from app.articles.trees import TreeNode
from app.markup.blocks import Block
from app.text.slugs import clip
from app.wizard.candidates import Candidate
from app.wizard.source import Source
from app.wizard.state import State

METHOD_CUE = re.compile(r"(following (methods|steps|ways)|one of the following|methods?:)", re.I)
# A paragraph that only introduces what follows ("To resolve this issue:").
LEAD_IN_CHARS = 120
# A step that only points elsewhere ("For more information, see Q185836").
REFERENCE = re.compile(rf"\b(Q{ID_DIGITS}|article|for more information|see the following)\b",
                       re.I)
REFERENCE_CHARS = 240
# What only an administrator can do, or should: changing the system (the registry,
# DNS and network settings, service packs and fixes, reinstalling, disks and BIOS,
# servers and domains). Said so, and handed over instead of "Did this fix it?".
ADMIN_WORDS = re.compile(
    r"\b(administrator|admin|on the (?:exchange )?server computer|server service pack|"
    r"upgrade (?:to|the) (?:microsoft )?(?:exchange|windows nt|sql|sms|proxy) server|"
    r"domain controller|user manager for domains|exchange administrator program|"
    r"registry|regedit(?:32)?(?:\.exe)?|hkey_\w+|"
    r"dns|wins|tcp/ip|ip address|subnet mask|default gateway|gateway tab|bindings tab|"
    r"network (?:icon|settings|protocol|adapter|configuration)|double-click network|"
    r"service pack|hotfix|hot fix|the (?:latest )?fix|qfe|"
    r"reinstall\w*|uninstall\w*|remove and (?:then )?reinstall|"
    r"bios|cmos|fdisk|format (?:the|your) (?:hard )?(?:disk|drive)|partition|"
    r"system\.ini|win\.ini|config\.sys|autoexec\.bat|device manager|"
    r"group policy|system policy|policy editor)\b", re.I)
ADMIN_ACTION_CHARS = 200
NOTICE = re.compile(r"^(warning|important|caution|note)\b", re.I)
# "To work around this problem, disable the Guest account:" names the action...
LEAD_IN = re.compile(r"^(to (resolve|work around|correct|fix|avoid) th(is|ese) \w+,?\s*|"
                     r"to do this,?\s*)", re.I)
# ...unless it only says that steps follow.
GENERIC_LEAD = re.compile(r"\b(follow|following|these steps|as follows)\b", re.I)
CONFIRMED = re.compile(r"^microsoft has confirmed\b", re.I)
DOING = re.compile(r"\b(obtain|install|apply|reinstall|remove|uninstall|change|edit|modify|"
                   r"set|add|delete|upgrade|disable|enable|configure|restart|start|open|"
                   r"use|type|run)\b", re.I)
@dataclass(frozen=True)
class FixStep:
    number: int
    blocks: tuple[Block, ...]
    section: str                     # title of the section it comes from
    anchor: str

    @property
    def text(self) -> str:
        return " ".join(" ".join([b.text, *b.items]) for b in self.blocks).strip()

    @property
    def admin_action(self) -> str:
        """What to ask an administrator to do, when this step changes the system (the
        marker the screen reads to send the person to the hand-over): the step's
        heading or its lead-in when they name the change, else its first sentence
        that says to do it."""
        if not ADMIN_WORDS.search(self.text):
            return ""
        return clip(_admin_action(self.blocks), ADMIN_ACTION_CHARS)


def _admin_action(blocks: tuple[Block, ...]) -> str:
    heading = next((b.text for b in blocks if b.kind == "heading"), "")
    if ADMIN_WORDS.search(heading):
        return heading
    lead = blocks[0].text if blocks[0].kind == "para" and blocks[0].text.endswith(":") else ""
    lead = LEAD_IN.sub("", lead).rstrip(":").strip()
    if lead and not GENERIC_LEAD.search(lead):
        return lead[:1].upper() + lead[1:]
    lines = [line for b in blocks if b.kind in ("para", "steps", "bullets")
             for line in (b.text, *b.items) if not NOTICE.match(line)]
    said = [s for line in lines for s in sentences(line)
            if ADMIN_WORDS.search(s) and not CONFIRMED.match(s)]
    named = next((s for s in said if DOING.search(s)), said[0] if said else "")
    if not named:
        return heading or first_sentences(" ".join(lines), ADMIN_ACTION_CHARS)
    return f"{heading.rstrip('.:')}: {named}" if heading else named


@dataclass(frozen=True)
class TreeChoice:
    label: str
    kind: str                        # "node", "done", "escalate", "article", "section"
    state: State


@dataclass
class Fix:
    article: Article
    symptom: str
    cause: str
    steps: list[FixStep]
    current: FixStep | None
    next_state: State | None         # "No, still broken": next step or next article
    next_is_article: bool = False
    more_in_article: bool = False    # the walk stopped before the article's last step
    node: TreeNode | None = None
    node_steps: tuple[Block, ...] = ()
    node_anchor: str = ""
    choices: tuple[TreeChoice, ...] = ()
    state: State = field(default_factory=State)   # this fix's own state (for outcomes)


def fix_steps(article: Article, only: str | None = None) -> list[FixStep]:
    """The article's resolution and workaround as steps a person tries one at a time.

    A numbered procedure with the paragraphs that introduce it is one step (one thing to
    try, then "Did this fix it?"); each item of a list of alternative methods is a step;
    a paragraph that stands alone after a procedure is a step of its own.
    """
    sections = [s for s in article.sections if (only and s.anchor == only) or (
        not only and s.title.upper() in FIX_SECTIONS)]
    if not only and any(s.title.upper() != "STATUS" for s in sections):
        sections = [s for s in sections if s.title.upper() != "STATUS"]
    steps: list[FixStep] = []
    for section in sections:
        chunk: list[Block] = []

        def close(section: Section = section, chunk: list[Block] = chunk) -> None:
            if chunk and any(b.text.strip() or b.items for b in chunk):
                steps.append(FixStep(len(steps) + 1, tuple(chunk), section.title, section.anchor))
            chunk.clear()

        for index, block in enumerate(section.blocks):
            if block.kind == "heading":
                close()
                chunk.append(block)
            elif block.kind == "steps":
                chunk.append(block)
                following = section.blocks[index + 1] if index + 1 < len(section.blocks) else None
                if not _continues(block, following):
                    close()
            elif block.kind == "bullets" and chunk and chunk[-1].kind == "steps":
                # The list an item introduces ("...and then do the following:").
                chunk.append(block)
                following = section.blocks[index + 1] if index + 1 < len(section.blocks) else None
                if following is None or following.kind != "steps" or following.start == 1:
                    close()
            elif block.kind == "bullets" and chunk and chunk[-1].kind == "para" and (
                METHOD_CUE.search(chunk[-1].text)
            ):
                intro = chunk.pop()
                close()
                for item in block.items:
                    steps.append(FixStep(len(steps) + 1, (Block("para", intro.text), Block(
                        "para", item)), section.title, section.anchor))
            elif block.kind == "para" and chunk and any(b.kind == "steps" for b in chunk):
                close()
                chunk.append(block)
            else:
                chunk.append(block)
                numbered = [b for b in chunk if b.kind == "steps"]
                following = section.blocks[index + 1] if index + 1 < len(section.blocks) else None
                if block.kind == "pre" and numbered and not (
                        following is not None and following.kind == "steps"
                        and following.start == numbered[-1].start + len(numbered[-1].items)):
                    close()
        close()
    return [replace(s, number=n) for n, s in enumerate(_joined(steps), 1)]


def _continues(steps: Block, following: Block | None) -> bool:
    """Whether the block after a numbered list belongs to the same step: a box the last
    item shows, the list an item introduces with a colon, or the numbering going on."""
    if following is None:
        return False
    if following.kind == "pre":
        return True
    last = steps.items[-1] if steps.items else ""
    return (following.kind in ("bullets", "steps") and last.rstrip().endswith(":")) or (
        following.kind == "steps" and following.start == steps.start + len(steps.items))


def _is_lead_in(step: FixStep) -> bool:
    return (all(b.kind == "para" for b in step.blocks) and len(step.text) <= LEAD_IN_CHARS
            and step.text.endswith(":"))


def _is_reference(step: FixStep) -> bool:
    return (all(b.kind == "para" for b in step.blocks) and len(step.text) <= REFERENCE_CHARS
            and bool(REFERENCE.search(step.text)) and not ADMIN_WORDS.search(step.text))


def _joined(steps: list[FixStep]) -> list[FixStep]:
    """Steps that are steps: a lead-in joins the step it introduces, and a pointer to
    another article joins the step before it (the page links the article in it)."""
    out: list[FixStep] = []
    pending: tuple[Block, ...] = ()
    for step in steps:
        if pending:
            step = replace(step, blocks=(*pending, *step.blocks))
            pending = ()
        if _is_lead_in(step):
            pending = step.blocks
            continue
        # A pointer to another article, or a box or table the step before refers to.
        if out and out[-1].anchor == step.anchor and (
                _is_reference(step) or all(b.kind == "pre" for b in step.blocks)):
            out[-1] = replace(out[-1], blocks=(*out[-1].blocks, *step.blocks))
            continue
        out.append(step)
    if pending:
        if out:
            out[-1] = replace(out[-1], blocks=(*out[-1].blocks, *pending))
        else:
            out.append(FixStep(1, pending, steps[-1].section, steps[-1].anchor))
    return out


def _lead_text(section: Section | None, limit: int) -> str:
    """The section's first sentences; a sentence that introduces a quoted message
    ("... the Details show:") is followed by the start of that message."""
    if section is None:
        return ""
    blocks = [b for b in section.blocks if b.text.strip() or b.items]
    for index, block in enumerate(blocks):
        if block.kind != "para":
            continue
        text = first_sentences(block.text, limit)
        if text.rstrip().endswith(":") and index + 1 < len(blocks):
            following = blocks[index + 1]
            quoted = following.text or " ".join(following.items)
            text = f"{text} “{clip(quoted, max(40, limit - len(text)))}”"
        return text
    return first_sentences(section.text, limit)


def symptom_sentence(article: Article, limit: int = 160) -> str:
    """What the article's symptoms say first, in a sentence or two."""
    return _lead_text(symptom_section(article), limit)


def _summary(article: Article) -> tuple[str, str]:
    return (_lead_text(symptom_section(article), 200),
            _lead_text(cause_section(article), 200))


def fix_for(source: Source, state: State, article: Article, remaining: list[Candidate],
            limit: int = 0) -> Fix:
    """The fix of `article` at `state`'s step; `limit` steps at most (0: all)."""
    fix = _fix_of(source, state, article, remaining, limit)
    fix.state = replace(state, end=None) if state.article else state.at_fix(article.id)
    return fix


def _fix_of(source: Source, state: State, article: Article, remaining: list[Candidate],
            limit: int) -> Fix:
    symptom, cause = _summary(article)
    after = [c for c in remaining if c.id != article.id and c.id not in state.tried]
    next_article = state.trying_next(article.id)
    tree = source.tree(article) if not state.section else None
    if tree is not None:
        node = tree.nodes.get(state.at or tree.start) or tree.nodes[tree.start]
        section = next((s for s in article.sections if s.anchor == node.section), None)
        blocks = tuple(b for b in section.blocks if b.kind == "steps") if section else ()
        choices = []
        for option in node.options:
            if option.kind == "node":
                target = state.at_fix(article.id, at=option.target)
            elif option.kind == "article":
                target = next_article.at_fix(option.target)
            elif option.kind == "section":
                target = state.at_fix(article.id, section=option.target)
            elif option.kind == "escalate":
                target = next_article
            else:
                target = state.at_fix(article.id, at=node.id)
            choices.append(TreeChoice(option.label, option.kind, target))
        return Fix(article, symptom, cause, [], None, next_article, bool(after), node=node,
                   node_steps=blocks, node_anchor=section.anchor if section else "",
                   choices=tuple(choices))
    steps = fix_steps(article, state.section)
    more = bool(limit) and len(steps) > limit
    if more:
        steps = steps[:limit]
    number = min(state.step, len(steps)) if steps else 0
    current = steps[number - 1] if steps else None
    if current is not None and number < len(steps):
        following = state.at_fix(article.id, step=number + 1, section=state.section)
        return Fix(article, symptom, cause, steps, current, following, more_in_article=more)
    return Fix(article, symptom, cause, steps, current, next_article, True, more_in_article=more)
