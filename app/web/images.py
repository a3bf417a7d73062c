"""Reading a screenshot of an error: `POST /api/read-image` and the form without JavaScript.

The picture is read (app/images, in a child process bounded in CPU time), its codes
put right where OCR misread them into codes the knowledge base carries or the code
tables name, and then the person goes on as if they had typed the text: to the
results or to the wizard, with the text in the search box to check and correct.
Pictures are never stored and never logged; what was read goes only into the answer.
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    jsonify,
    redirect,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests

from app.activity.guard import RateLimiter
from app.codes.recognise import as_code, codes_in_query
from app.images.fixing import Fix, fix_codes, named_by_tables
from app.images.formats import MAX_BYTES, ImageRefusedError
from app.images.ocr import message_text
from app.images.worker import ImageReader, Reading
from app.query.typed import MAX_QUERY_CHARS
from app.search.nearcodes import carried_codes
from app.web.knowledge import get_kb
from app.web.recording import rate_limiter

bp = Blueprint("images", __name__)

FIELD = "image"
# The multipart envelope around a picture of MAX_BYTES: anything larger is refused
# while it is being received, before it is read into memory.
MAX_REQUEST = MAX_BYTES + 64 * 1024
STATUS = {"empty": 400, "too_large": 413, "not_image": 415, "too_many_pixels": 413,
          "unreadable": 422, "too_slow": 422}
FIXED_ARG = "fixed"  # on the results page: "read→code" for each code put right


@dataclass(frozen=True)
class ImageText:
    text: str
    codes: list[str]
    reading: Reading
    fixes: list[Fix]


@bp.record_once
def _set_up(state) -> None:
    app = state.app
    reader = ImageReader()
    app.extensions["image_reader"] = reader
    atexit.register(reader.close)
    app.extensions["image_rate_limit"] = rate_limiter(
        app, "images", int(app.config["FEEDBACK_RATE_LIMIT"]),
        float(app.config["FEEDBACK_RATE_WINDOW"]))


def warm_up(app: Flask) -> None:
    """Start the OCR child before the first picture (gunicorn.conf.py, each worker)."""
    if "image_reader" in app.extensions:
        app.extensions["image_reader"].warm()


def _known(code: str) -> bool:
    return code.lower() in carried_codes(get_kb()) or named_by_tables(code)


def _uploaded() -> bytes:
    """The one picture of the request, or a 4xx saying what to send."""
    request.max_content_length = MAX_REQUEST
    try:
        files = request.files.getlist(FIELD)
    except RequestEntityTooLarge:
        abort(413, description=f"The picture is larger than {MAX_BYTES // 2**20} MB. Crop it "
                               "to the error dialog.")
    if len(files) != 1:
        abort(400, description=f"Send one picture as the multipart field {FIELD!r}.")
    limiter: RateLimiter = current_app.extensions["image_rate_limit"]
    client = request.remote_addr or "unknown"
    if not limiter.allow(client):
        wait = limiter.retry_after(client)
        raise TooManyRequests(f"Too many pictures from your address. Try again in {wait} "
                              "seconds.", retry_after=wait)
    return files[0].read(MAX_BYTES + 1)


def read_upload() -> ImageText:
    """What the uploaded picture says, codes put right; a 4xx for a picture not read."""
    data = _uploaded()
    try:
        reading = current_app.extensions["image_reader"].read(data)
    except ImageRefusedError as refused:
        abort(STATUS[refused.kind], description=refused.message)
    text, fixes = fix_codes(message_text(reading.lines), _known)
    text = text[:MAX_QUERY_CHARS]
    return ImageText(text, codes_in_query(text), reading, fixes)


@bp.post("/api/read-image")
def read_image_api():
    found = read_upload()
    return jsonify(
        text=found.text, codes=found.codes,
        lines=[{"text": line.text, "confidence": line.confidence} for line in found.reading.lines],
        corrections=[{"read": fix.read, "code": fix.code} for fix in found.fixes],
        width=found.reading.width, height=found.reading.height)


@bp.post("/read-image")
def read_image_form():
    """The form without JavaScript: read the picture, then the results or the wizard."""
    go = request.form.get("go", "search")
    found = read_upload()  # a picture not read: the error page, with a search box
    if not found.text.strip():
        abort(422, description="No text could be read in the picture. Crop it to the error "
                               "dialog, or type the message.")
    fixed = [f"{fix.read}→{fix.code}" for fix in found.fixes]
    endpoint = "troubleshoot.wizard" if go == "troubleshoot" else "search.results"
    return redirect(url_for(endpoint, q=found.text, **{FIXED_ARG: fixed, "from": "image"}),
                    code=303)


@dataclass(frozen=True)
class ImageNotice:
    """What the results page says about text read from a picture."""

    fixes: list[tuple[str, str]]


@bp.app_context_processor
def image_notice() -> dict[str, ImageNotice | None]:
    """`image_notice` for pages reached from a picture (`from=image`), else None."""
    if not has_request_context() or request.args.get("from") != "image":
        return {"image_notice": None}
    fixes = []
    for each in request.args.getlist(FIXED_ARG)[:10]:
        read, _, code = each.partition("→")
        if len(read) <= 24 and as_code(code) == code:  # only codes, never free text
            fixes.append((read, code))
    return {"image_notice": ImageNotice(fixes)}
