"""What one screen of the wizard shows (computed by app/wizard/engine.py), and the
case as text for a help-desk ticket."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.codes.labels import label as code_label
from app.text.slugs import clip
from app.wizard.candidates import Candidate
from app.wizard.fixes import Fix
from app.wizard.questions import Question
from app.wizard.state import Answer, Screen, State

FITS = 8                  # candidates shown under "These might fit"


@dataclass(frozen=True)
class NearCodes:
    """A typed code no article carries, and the carried codes one slip away from it:
    (code, articles carrying it, the walk that starts from it)."""

    typed: str
    near: tuple[tuple[str, int, State], ...]


@dataclass(frozen=True)
class Fit:
    """A candidate offered under "These might fit": its symptom in one sentence."""

    id: str
    title: str
    url: str
    symptom: str
    state: State                     # walking its fix


@dataclass
class WizardScreen:
    """One screen: its kind, and what that kind shows."""

    state: State
    candidates: list[Candidate]
    kind: Screen = Screen.START
    question: Question | None = None
    answers: list[Answer] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    from_paste: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fix: Fix | None = None
    fits: list[Fit] = field(default_factory=list)
    none_fit: State | None = None    # "None of these": the hand-over
    evidence: str = ""               # why the leader is "the fix": code, message, answers, words
    questions_left: int = 0          # about how many more questions, for progress
    tried: list[tuple[str, str]] = field(default_factory=list)   # (id, title)
    codes: tuple[str, ...] = ()      # the codes read from what was typed
    uncovered: list[str] = field(default_factory=list)   # names no article speaks of
    near: list[NearCodes] = field(default_factory=list)  # codes one slip from a typed one

    @property
    def leader(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def dead_end(self) -> bool:
        """The walk ends here with the hand-over to a person."""
        return self.kind is Screen.HANDOVER


def summary_text(result: WizardScreen, step_label: str = "", link: str = "") -> str:
    """The case as plain text a person pastes into a help-desk ticket: what was
    entered and read from it, the answers, what was tried, and a link to this step."""
    lines = [f"Entered: {result.state.query}"]
    if result.codes:
        lines.append(f"Error codes read from it: {', '.join(code_label(c) for c in result.codes)}")
    if result.uncovered:
        lines.append(f"This knowledge base has no articles about: {', '.join(result.uncovered)}")
    for name, value in result.from_paste:
        lines.append(f"Read from it: {name}: {value}")
    for answer in result.answers:
        lines.append(f"{answer.name}: {answer.label}")
    for article_id, title in result.tried:
        # Not "not fixed": the person may have skipped a step only an administrator can do.
        lines.append(f"Tried {article_id} ({title}), then moved on")
    seen = [c for c in result.candidates[:FITS] if c.id not in result.state.tried]
    if result.state.end == Screen.NO_MATCH and not result.state.article and seen:
        lines.append("Seen and rejected (none of these fit): "
                     + "; ".join(f"{c.id} ({c.title})" for c in seen))
    if result.fix is not None and result.fix.article.id not in result.state.tried:
        fix = result.fix
        where = step_label or (f"step {fix.current.number} of {len(fix.steps)}" if fix.current
                               else f"“{clip(fix.node.text, 70)}”" if fix.node else "")
        lines.append(f"Tried {result.fix.article.id} ({result.fix.article.title})"
                     + (f": up to {where}" if where else ""))
        if fix.current is not None and fix.current.admin_action:
            lines.append(f"Needs an administrator: {fix.current.admin_action}")
    if link:
        lines.append(f"This step: {link}")
    return "\n".join(lines)


def answers_text(state: State) -> str:
    return "; ".join(f"{facet}={value}" for facet, value in state.answers)
