"""The questions the wizard can ask: one per kind of article fact."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    id: str
    name: str            # for breadcrumbs and summaries: "Product"
    text: str            # the question
    factor: float        # preference among questions of similar gain (1 = best)
    # The question on one value, answered "Yes" or "No": asked so when one value is
    # offered, where `alone` ("Do you see this message?"), and when a question answered
    # "Not sure" is asked again. One value of what one was doing, the connection or the
    # Windows version told no more walks apart as a first question
    # (benchmarks/eval_wizard.py).
    yes_no: str
    alone: bool = False


FACETS = {
    facet.id: facet
    for facet in [
        Facet("code", "Other code", "Does the message also show one of these codes?", 1.0,
              "Does the message also show this code?"),
        Facet("product", "Program", "Which program shows the problem?", 1.0,
              "Does the problem show in this program?", alone=True),
        Facet("doing", "Doing", "What were you doing when it happened?", 0.95,
              "Is this what you were doing when it happened?"),
        Facet("message", "Message", "Which of these messages do you see?", 0.9,
              "Do you see this message?", alone=True),
        Facet("protocol", "Connection", "Which of these does the program use to connect?",
              0.85, "Does the program use this to connect?"),
        Facet("os", "Windows version", "Which version of Windows is the computer running?",
              0.85, "Is the computer running this version of Windows?"),
        Facet("version", "Version", "Which version of {product} is it?", 0.8,
              "Is this the version of {product}?"),
        Facet("situation", "When it happens", "Which of these matches when it happens?", 0.7,
              "Does it happen like this?", alone=True),
        Facet("symptom", "Symptom", "Which of these sounds most like what happens?", 0.6,
              "Does this sound like what happens?", alone=True),
    ]
}
