"""The screenshot reader's domain: checking uploads by content, preparing the picture,
OCR in a bounded child process, and codes put right only into known codes."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from PIL import Image

from app.images.fixing import Fix, fix_codes, named_by_tables
from app.images.formats import MAX_BYTES, ImageRefusedError, check_upload
from app.images.ocr import message_text
from app.images.prepare import TARGET_LINE_PIXELS, decode, line_height, prepare
from app.images.windows import find_dialog
from app.images.worker import ImageReader
from tests.imagetools import desktop_png, dialog_png, png_bomb

MESSAGE = ["Server Response: -ERR The AUTH protocol exchange was canceled",
           "Server Error: 0x800CCC90, Error Number: 0x800CCC18"]


@pytest.fixture(scope="module")
def reader():
    found = ImageReader()
    found.warm()
    yield found
    found.close()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "BMP", "WEBP"])
def test_each_format_is_known_by_its_content_with_its_size(fmt):
    picture = Image.new("RGB", (321, 123), "white")
    out = io.BytesIO()
    picture.save(out, fmt)
    header = check_upload(out.getvalue())
    assert (header.format.upper(), header.width, header.height) == (fmt, 321, 123)


def test_a_png_bomb_is_refused_from_its_header_before_decoding():
    started = time.perf_counter()
    with pytest.raises(ImageRefusedError) as refused:
        check_upload(png_bomb())
    assert refused.value.kind == "too_many_pixels"
    assert "100,000 x 100,000 pixels" in refused.value.message
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(("data", "kind"), [
    (b"", "empty"),
    (b"Server Error: 0x800CCC90 typed into a file named error.png", "not_image"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 4, "unreadable"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES + 1), "too_large"),
])
def test_what_is_not_a_readable_picture_is_refused_with_its_reason(data, kind):
    with pytest.raises(ImageRefusedError) as refused:
        check_upload(data)
    assert refused.value.kind == kind


def test_a_truncated_jpeg_passes_the_header_but_is_refused_when_decoded():
    data = dialog_png(MESSAGE, fmt="JPEG")
    cut = data[: len(data) // 2]
    with pytest.raises(ImageRefusedError) as refused:
        decode(cut, check_upload(cut))
    assert refused.value.kind == "unreadable"


def test_small_dialog_text_is_scaled_to_the_height_tesseract_reads_best():
    picture = decode(data := dialog_png(MESSAGE, size=12), check_upload(data))
    measured = line_height(np.asarray(picture.convert("L")))
    assert measured is not None and 8 <= measured <= 20
    prepared = prepare(picture)
    assert prepared.mode == "L"
    assert prepared.width / picture.width == pytest.approx(TARGET_LINE_PIXELS / measured,
                                                           rel=0.05)


def test_light_text_on_dark_is_turned_dark_on_light():
    picture = decode(data := dialog_png(MESSAGE, dark=True), check_upload(data))
    assert np.median(np.asarray(prepare(picture))) > 128


@pytest.mark.parametrize("dark", [False, True])
def test_the_dialog_is_read_with_its_codes_and_each_lines_confidence(reader, dark):
    data = dialog_png(MESSAGE, dark=dark, size=16 if dark else 13)
    reading = reader.read(data)
    text, _ = fix_codes(message_text(reading.lines), {"0x800CCC90", "0x800CCC18"}.__contains__)
    assert "0x800CCC90" in text and "0x800CCC18" in text
    assert "AUTH protocol exchange was canceled" in text
    assert all(0 <= line.confidence <= 100 for line in reading.lines)
    assert (reading.width, reading.height) == Image.open(io.BytesIO(data)).size


def test_a_child_that_dies_costs_one_refusal_and_the_next_picture_is_read(reader):
    reader._process.kill()  # as the kernel does at the CPU limit
    reader._process.join()
    with pytest.raises(ImageRefusedError) as refused:
        reader.read(dialog_png(MESSAGE))
    assert refused.value.kind == "too_slow"
    assert "AUTH protocol" in message_text(reader.read(dialog_png(MESSAGE)).lines)


KNOWN = {"0x800CCC0F", "ERROR-1005", "0x800CCC90"}


def known(code: str) -> bool:
    return code in KNOWN


@pytest.mark.parametrize(("read", "written", "fixes"), [
    ("Error: Ox800CCCOF here", "Error: 0x800CCC0F here", [Fix("Ox800CCCOF", "0x800CCC0F")]),
    ("Server Error: 0xBOOCCC9O", "Server Error: 0x800CCC90", [Fix("0xBOOCCC9O", "0x800CCC90")]),
    ("Word Error lOO5: no bookmark", "Word Error 1005: no bookmark", [Fix("lOO5", "ERROR-1005")]),
    ("Server Error: 0x800CCC90", "Server Error: 0x800CCC90", []),
])
def test_misread_codes_are_put_right_into_codes_the_knowledge_base_knows(read, written, fixes):
    assert fix_codes(read, known) == (written, fixes)


@pytest.mark.parametrize("read", ["Error: Ox1234SS6Z", "Error IIS stopped", "0x8004B00S"])
def test_a_misread_that_fits_no_known_code_is_left_as_read(read):
    assert fix_codes(read, known) == (read, [])


def test_codes_the_tables_name_count_as_known():
    assert named_by_tables("0x80004005")  # E_FAIL
    assert fix_codes("HRESULT 0x8OOO4OO5", named_by_tables)[0] == "HRESULT 0x80004005"
    assert not named_by_tables("0x8004B00F")


def test_in_a_whole_screen_the_dialog_in_front_is_found_and_read(reader):
    dialog = dialog_png(MESSAGE)
    screen = desktop_png(dialog)
    grey = np.asarray(decode(screen, check_upload(screen)).convert("L"))
    left, top, right, bottom = find_dialog(grey)
    width, height = Image.open(io.BytesIO(dialog)).size
    dialog_left, dialog_top = (1920 - width) // 2, (1080 - height) // 2
    assert abs(left - dialog_left) <= 3 and abs(right - (dialog_left + width)) <= 3
    assert abs(bottom - (dialog_top + height)) <= 3
    assert dialog_top - 3 <= top <= dialog_top + 26  # the frame, or just below the title
    text = message_text(reader.read(screen).lines)
    assert "AUTH protocol exchange" in text and "Quarterly" not in text


def test_a_picture_of_the_dialog_alone_is_not_cut():
    grey = np.asarray(Image.open(io.BytesIO(dialog_png(MESSAGE))).convert("L"))
    assert find_dialog(grey) is None


@pytest.mark.parametrize(("read", "written"), [
    ("Exception number: cO000005 (access violation)",
     "Exception number: c0000005 (access violation)"),  # bare, as the dialog writes it
    ("memory at Ox50c2b90d", "memory at 0x50c2b90d"),  # `Ox` is never a prefix
    ("STOP 0x0000000A (0xFESABO00, 0x00000002, 0x00000001, 0x8013D41A)",
     "STOP 0x0000000A (0xFE5AB000, 0x00000002, 0x00000001, 0x8013D41A)"),
    ("a trip (Oslo, Dallas)", "a trip (Oslo, Dallas)"),
])
def test_bare_codes_prefixes_and_stop_parameters_are_read_as_written(read, written):
    assert fix_codes(read, {"0xC0000005"}.__contains__)[0] == written


def test_a_stop_errors_parameters_are_not_taken_for_codes_once_put_right():
    from app.codes.recognise import codes_in_query

    text, fixes = fix_codes("STOP 0x0000000A (0xFESABO00, 0x00000002, 0x00000001, "
                            "0x8013D41A)", known)
    assert codes_in_query(text) == ["STOP-0x0000000A"] and fixes == []
