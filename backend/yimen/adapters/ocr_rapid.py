"""OcrEngine on RapidOCR: PaddleOCR's PP-OCR models as ONNX, run by ONNX Runtime.

The model files ship inside the rapidocr wheel (rapidocr/models/). We pass their paths explicitly so
the library never falls back to downloading, and fail loudly if a file is missing. The model loads on
the first read, once per process (shared_engine): a process that never reads a photo never loads it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from yimen.adapters.images_pillow import PillowPicture
from yimen.domain.idcard import OcrLine
from yimen.ports_ocr import OcrEngine, Picture

if TYPE_CHECKING:
    from rapidocr import RapidOCR
    from rapidocr.utils.output import RapidOCROutput

MODEL_FILES = {
    "Det.model_path": "PP-OCRv6_det_small.onnx",
    "Rec.model_path": "PP-OCRv6_rec_small.onnx",
    "Cls.model_path": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def bundled_model_paths() -> dict[str, str]:
    import rapidocr

    root = Path(rapidocr.__file__).parent / "models"
    paths = {key: root / name for key, name in MODEL_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise RuntimeError(f"rapidocr wheel lacks bundled models: {missing}; refusing to download them")
    return {key: str(p) for key, p in paths.items()}


class RapidOcrEngine(OcrEngine):
    name = "rapidocr"

    def __init__(self) -> None:
        self._ocr: RapidOCR | None = None  # the model, loaded by the first read
        # One read at a time: ONNX Runtime already uses every core for one image, and the pipeline object
        # is not documented as thread-safe for `yimen serve`'s threaded server.
        self._busy = threading.Lock()

    def _model(self) -> RapidOCR:
        from rapidocr import RapidOCR  # heavy import (ONNX Runtime, OpenCV), paid on the first read

        # box_thresh 0.3 (default 0.5) keeps lone characters such as the 男/女 after 性别.
        return RapidOCR(params={"Global.log_level": "error", "Det.box_thresh": 0.3, **bundled_model_paths()})

    def read(self, picture: Picture) -> list[OcrLine]:
        assert isinstance(picture, PillowPicture), "pictures come from the Pillow adapter"
        bgr = np.asarray(picture.image.convert("RGB"))[:, :, ::-1]  # the engine wants OpenCV's channel order
        with self._busy:
            self._ocr = self._ocr or self._model()
            result = cast("RapidOCROutput", self._ocr(bgr))  # what the whole pipeline (det, cls, rec) returns
        if result.boxes is None or result.txts is None or result.scores is None:
            return []
        return [
            OcrLine(str(text), tuple((float(x), float(y)) for x, y in box), float(score))
            for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True)
        ]


_engine: OcrEngine | None = None
_lock = threading.Lock()


def shared_engine() -> OcrEngine:
    """The process-wide engine (a warm Lambda or worker reuses its model)."""
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                _engine = RapidOcrEngine()
    return _engine
