"""The questions the wizard can ask: one per kind of article fact."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    id: str
    name: str            # for breadcrumbs and summaries: "Product"
    text: str            # the question
    factor: float        # preference among questions of similar gain (1 = best)
    # The question when one value is offered, answered "Yes" or "No" ("Do you see this
    # message?", "Does the problem show in this program?"); "" where one value is not
    # worth a question of its own: asked so, what one was doing, the connection and the
    # Windows version told no more walks apart (benchmarks/eval_wizard.py).
    one: str = ""


FACETS = {
    facet.id: facet
    for facet in [
        Facet("code", "Other code", "Does the message also show one of these codes?", 1.0),
        Facet("product", "Program", "Which program shows the problem?", 1.0,
              "Does the problem show in this program?"),
        Facet("doing", "Doing", "What were you doing when it happened?", 0.95),
        Facet("message", "Message", "Which of these messages do you see?", 0.9,
              "Do you see this message?"),
        Facet("protocol", "Connection", "Which of these does the program use to connect?",
              0.85),
        Facet("os", "Windows version", "Which version of Windows is the computer running?",
              0.85),
        Facet("version", "Version", "Which version of {product} is it?", 0.8),
        Facet("situation", "When it happens", "Which of these matches when it happens?", 0.7,
              "Does it happen like this?"),
        Facet("symptom", "Symptom", "Which of these sounds most like what happens?", 0.6,
              "Does this sound like what happens?"),
    ]
}
