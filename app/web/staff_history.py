"""An authored article's versions: the history, a readable diff between any two,
revert to any version and delete (each a new version, so each can be undone); the
list of articles written here; and the decision-tree editor, for any article.

Also starts this server process's `Follower` (app/authoring/follow.py), which keeps
the index following what is published on any instance.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)

from app.activity.database import database_url
from app.articles.ids import article_id
from app.articles.trees import Tree, TreeNode, parse_tree
from app.authoring import versions
from app.authoring.diffs import diff_lines
from app.authoring.findings import tree_findings
from app.authoring.follow import Follower
from app.authoring.source import decompose
from app.staff.audit import RefusedError
from app.web.knowledge import get_kb
from app.web.recording import engine, get_activity
from app.web.staff_articles import actor, base_of_form, exists
from app.web.staff_auth import current_staff, private, staff_required
from app.wizard.drafts import draft_tree

bp = Blueprint("staff_history", __name__, url_prefix="/staff")
bp.after_request(private)  # no staff page is cached or indexed


def init_app(app: Flask) -> None:
    """`AUTHORING_CHECK_SECONDS` (default 2; 0: off): how often each process checks
    the database for new publishes. An app under test (TESTING) never follows: its
    tests update the index themselves, and a real server is what follows."""
    seconds = float(app.config["AUTHORING_CHECK_SECONDS"])
    if seconds <= 0 or app.testing:
        return
    app.extensions["authoring_follower"] = Follower(
        Path(app.config["KB_DIR"]), Path(app.config["INDEX_DIR"]),
        database_url(app.config["DATABASE_URL"], app.config["ACTIVITY_DB"]), seconds)

    @app.before_request
    def _follow() -> None:   # started by the first request: after gunicorn forked
        app.extensions["authoring_follower"].start()


def _nudge() -> None:
    follower = current_app.extensions.get("authoring_follower")
    if follower is not None:
        follower.nudge()


def _identifier(ident: str) -> str:
    identifier = article_id(ident)
    if identifier is None or versions.latest(engine(), identifier) is None:
        abort(404, description=f"{ident[:20]!r} is not an article written here.")
    return identifier


@bp.get("/authored")
@staff_required("editor")
def listing():
    return render_template("staff/articles/list.html", staff=current_staff(),
                           articles=versions.listing(engine(), actor()))


@bp.get("/articles/<ident>/history")
@staff_required("editor")
def history(ident: str):
    identifier = _identifier(ident)
    found = versions.history(engine(), identifier)
    return render_template("staff/articles/history.html", staff=current_staff(),
                           identifier=identifier, versions=found, latest=found[0],
                           published=request.args.get("published", type=int))


@bp.get("/articles/<ident>/diff")
@staff_required("editor")
def diff(ident: str):
    """Version `from` against version `to` (default: the one before `to`, and the latest)."""
    identifier = _identifier(ident)
    latest = versions.latest(engine(), identifier)
    to = request.args.get("to", default=latest.number, type=int)
    start = request.args.get("from", default=max(to - 1, 1), type=int)
    try:
        old, new = (versions.version(engine(), identifier, start),
                    versions.version(engine(), identifier, to))
    except RefusedError as refused:
        abort(refused.status, description=refused.message)
    return render_template(
        "staff/articles/diff.html", staff=current_staff(), identifier=identifier, old=old,
        new=new, article=diff_lines(old.source, new.source, f"version {old.number}",
                                    f"version {new.number}"),
        tree=diff_lines(old.tree, new.tree, "tree", "tree"))


@bp.post("/articles/<ident>/revert")
@staff_required("editor")
def revert(ident: str):
    identifier = _identifier(ident)
    number = request.form.get("number", "")
    if not number.isdigit():
        abort(400, description="Which version to bring back could not be read; nothing "
                               "was changed.")
    try:
        done = versions.revert(engine(), identifier, int(number), base=base_of_form(),
                               author=actor(), summary=request.form.get("summary", ""))
    except RefusedError as refused:
        abort(refused.status, description=refused.message)
    _nudge()
    return redirect(url_for(".history", ident=identifier, published=done.number), code=303)


@bp.post("/articles/<ident>/delete")
@staff_required("editor")
def delete(ident: str):
    identifier = _identifier(ident)
    try:
        done = versions.remove(engine(), identifier, base=base_of_form(), author=actor(),
                               summary=request.form.get("summary", ""))
    except RefusedError as refused:
        abort(refused.status, description=refused.message)
    _nudge()
    return redirect(url_for(".history", ident=identifier, published=done.number), code=303)


@bp.route("/articles/<ident>/tree", methods=["GET", "POST"])
@staff_required("editor")
def tree(ident: str):
    """Edit and check a decision tree, previewed as the wizard walks it. An article
    written here publishes it as a new version; an archive article's tree is
    downloaded to save beside its file (the archive's files are not edited here)."""
    identifier = article_id(ident)
    article = get_kb().store().get(identifier) if identifier else None
    if article is None:
        abort(404, description=f"There is no article {ident[:20]!r} to write a tree for.")
    current = versions.latest(engine(), identifier)
    authored = current is not None and not current.deleted
    if request.method == "POST":
        text = request.form.get("tree", "")
    elif authored and current.tree:
        text = current.tree
    else:
        text = draft_tree(article, get_activity().dead_end_texts(identifier))
    parsed, _ = parse_tree(text, f"{identifier}.tree.yaml")
    problems = tree_findings(text, article, f"{identifier}.tree.yaml", exists)
    status, problem = 200, ""
    if request.method == "POST" and request.form.get("action") == "download":
        return Response(text, mimetype="application/yaml", headers={
            "Content-Disposition": f'attachment; filename="{identifier}.tree.yaml"'})
    if request.method == "POST" and request.form.get("action") == "publish":
        status, problem = _publish_tree(identifier, text, current, problems)
        if status == 303:
            return redirect(url_for(".history", ident=identifier,
                                    published=current.number + 1), code=303)
    return render_template("staff/articles/tree.html", staff=current_staff(),
                           article=article, text=text, walk=walk_order(parsed),
                           problems=problems,
                           authored=authored, base=current.number if current else 0,
                           problem=problem), status


def walk_order(tree: Tree | None) -> list[TreeNode]:
    """The nodes from the start, each after the one that leads to it (breadth first),
    then any the start does not reach."""
    if tree is None:
        return []
    order, queue = [], [tree.start]
    while queue:
        node = tree.nodes.get(queue.pop(0))
        if node is None or node in order:
            continue
        order.append(node)
        queue.extend(option.target for option in node.options if option.kind == "node")
    return order + [node for node in tree.nodes.values() if node not in order]


def _publish_tree(identifier: str, text: str, current, problems) -> tuple[int, str]:
    if current is None or current.deleted:
        return 400, ("Only articles written here publish their tree here; download this "
                     "one and save it beside the article's file.")
    if problems:
        return 400, "Not published: the tree has problems (listed below)."
    try:
        versions.publish(engine(), identifier, current.source, text.replace("\r\n", "\n"),
                         base=base_of_form(), author=actor(),
                         summary=request.form.get("summary", "") or "Tree changed",
                         title=decompose(current.source).title)
    except RefusedError as refused:
        return refused.status, refused.message
    _nudge()
    return 303, ""
