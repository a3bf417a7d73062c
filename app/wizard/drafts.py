"""A draft `tree.yaml` for an article, from its fix steps: what staff start from when
a dead end shows that the generic walk did not serve people (see app/articles/trees.py
for the format). Each step becomes a node: "Yes" ends fixed, "No" goes on to the next
step, the last "No" hands over; a step only an administrator can take says so."""

from __future__ import annotations

import yaml

from app.articles.model import Article
from app.text.slugs import clip, slug
from app.wizard.fixes import fix_steps

NODE_TEXT_CHARS = 300


def draft_tree(article: Article, dead_ends: list[str] = ()) -> str:
    """The YAML text of a tree that walks `article`'s fix; `dead_ends` (what people
    typed and where nothing fitted) go in as comments for the author."""
    steps = fix_steps(article)
    ids = [f"step-{step.number}-{slug(step.text, 4)}"[:40].rstrip("-") for step in steps]
    nodes = []
    for index, (step, node_id) in enumerate(zip(steps, ids, strict=True)):
        following = ids[index + 1] if index + 1 < len(steps) else None
        node = {
            "id": node_id,
            "text": clip(step.text, NODE_TEXT_CHARS),
            "section": step.anchor,
            "question": ("Did your administrator's change fix it?" if step.admin_action
                         else "Did this fix it?"),
            "options": [
                {"answer": "Yes, it works now", "next": "done"},
                {"answer": "No, it still fails",
                 "next": following if following else "escalate"},
            ],
        }
        nodes.append(node)
    header = [f"# Draft tree for {article.id}: {article.title}",
              "# Written from the article's fix steps; edit the wording, merge or split",
              "# nodes, then save it beside the article and run: flask --app app check"]
    header += [f"# Dead end: {clip(text, 100)}" for text in list(dead_ends)[:10]]
    if not nodes:
        return "\n".join([*header, "# The article has no steps to walk.", ""])
    body = yaml.safe_dump({"start": ids[0], "nodes": nodes}, sort_keys=False,
                          allow_unicode=True, width=88)
    return "\n".join(header) + "\n" + body
