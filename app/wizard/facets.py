"""The questions the wizard can ask: one per kind of article fact."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facet:
    id: str
    name: str            # for breadcrumbs and summaries: "Product"
    text: str            # the question
    factor: float        # preference among questions of similar gain (1 = best)


FACETS = {
    facet.id: facet
    for facet in [
        Facet("code", "Other code", "Which other error code or number does the message show?",
              1.0),
        Facet("protocol", "Protocol", "Which protocol or connection is involved?", 1.0),
        Facet("product", "Product", "Which product is involved?", 0.95),
        Facet("version", "Version", "Which version is it?", 0.9),
        Facet("os", "Operating system", "Which operating system is the computer running?",
              0.9),
        Facet("doing", "Doing", "What were you doing when it happened?", 0.9),
        Facet("message", "Message", "Which of these messages do you see?", 0.85),
        Facet("symptom", "Symptom", "Which of these best describes what happens?", 0.6),
    ]
}
# Facets the paste can answer by itself (a protocol name, a port, a product named).
PASTE_FACETS = ("protocol", "product", "os")
