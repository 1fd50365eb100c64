"""OcrEngine that reads through the OCR function (the Lambda container image that carries RapidOCR,
ONNX Runtime and the models): the API function never imports the engine, so its zip and layer stay
small and its cold start never loads a model. One synchronous invoke per read; the photo travels
in the payload as JPEG (the checks shrink it to 1600 px first, well under the 6 MB invoke limit)."""

from __future__ import annotations

import base64
import json

from yimen.adapters.aws import LazyClient
from yimen.domain.errors import YimenError
from yimen.domain.idcard import OcrLine
from yimen.ports_ocr import READ_EVENT, OcrEngine, Picture, lines_from_json

UNAVAILABLE = ("OCR_UNAVAILABLE", "身份证识别暂时不可用，请稍后再试；您填写的内容和照片都已保留。")


class LambdaOcrEngine(OcrEngine):
    name = "rapidocr-lambda"

    def __init__(self, client: LazyClient, function_name: str) -> None:
        self._client, self._function = client, function_name  # the client is made on the first read

    def read(self, picture: Picture) -> list[OcrLine]:
        payload = json.dumps({READ_EVENT: base64.b64encode(picture.jpeg(95)).decode()}).encode()
        try:
            reply = self._client.invoke(FunctionName=self._function, Payload=payload)
        except Exception as exc:  # noqa: BLE001 - throttled, timed out or unreachable: the same to the citizen
            raise YimenError(*UNAVAILABLE, status=503) from exc
        body = json.loads(reply["Payload"].read() or b"null")
        if reply.get("FunctionError") or not isinstance(body, dict):
            raise YimenError(*UNAVAILABLE, status=503)
        return [lines_from_json(line) for line in body["lines"]]
