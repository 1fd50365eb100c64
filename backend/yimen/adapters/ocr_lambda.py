"""OcrEngine that reads through the OCR function (the Lambda container image that carries RapidOCR,
ONNX Runtime and the models): the API function never imports the engine, so its zip and layer stay
small and its cold start never loads a model. One synchronous invoke per read; the photo travels
in the payload as JPEG (the checks shrink it to 1600 px first, well under the 6 MB invoke limit)."""

from __future__ import annotations

import base64
import io
import json
from typing import TYPE_CHECKING

from yimen.domain.errors import YimenError
from yimen.domain.idcard import OcrLine
from yimen.ports_ocr import OcrEngine

if TYPE_CHECKING:
    from PIL import Image

    from yimen.config import Config

READ_EVENT = "ocr_read"  # the OCR function's direct-invoke event: {"ocr_read": "<base64 JPEG>"}
UNAVAILABLE = ("OCR_UNAVAILABLE", "身份证识别暂时不可用，请稍后再试；您填写的内容和照片都已保留。")


class LambdaOcrEngine(OcrEngine):
    name = "rapidocr-lambda"

    def __init__(self, config: Config) -> None:
        self._config = config
        self._client = None  # made on the first read: most API requests never check a photo

    def read(self, image: Image.Image) -> list[OcrLine]:
        from yimen.adapters.aws import client

        self._client = self._client or client(self._config.aws, "lambda")
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=95)
        payload = json.dumps({READ_EVENT: base64.b64encode(out.getvalue()).decode()}).encode()
        try:
            reply = self._client.invoke(FunctionName=self._config.ocr_function, Payload=payload)
        except Exception as exc:  # noqa: BLE001 - throttled, timed out or unreachable: the same to the citizen
            raise YimenError(*UNAVAILABLE, status=503) from exc
        body = json.loads(reply["Payload"].read() or b"null")
        if reply.get("FunctionError") or not isinstance(body, dict):
            raise YimenError(*UNAVAILABLE, status=503)
        return [lines_from_json(line) for line in body["lines"]]


def lines_to_json(lines: list[OcrLine]) -> dict:
    return {"lines": [{"text": x.text, "box": [list(p) for p in x.box], "score": x.score} for x in lines]}


def lines_from_json(line: dict) -> OcrLine:
    return OcrLine(line["text"], tuple((float(x), float(y)) for x, y in line["box"]), float(line["score"]))


def read_event(event: dict, engine: OcrEngine) -> dict:
    """The OCR function's side of a read: decode the photo, run the local engine, answer the lines."""
    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(event[READ_EVENT]))).convert("RGB")
    return lines_to_json(engine.read(image))
