"""The OCR function's side of a read the API asked for (adapters/ocr_lambda.py is the other side):
the photo arrives already hardened by the API (shrunk, upright, re-encoded), is read by this
process's engine, and the lines go back as JSON."""

import base64

from yimen.ports_ocr import READ_EVENT, Images, OcrEngine, lines_to_json


def answer_read(event: dict, images: Images, engine: OcrEngine) -> dict:
    with images.open(base64.b64decode(event[READ_EVENT]), "image/jpeg") as file:
        picture = file.decode(max(file.size))  # at its own size
    return lines_to_json(engine.read(picture.rgb()))
