"""The OCR test set: synthetic photos generated into a temp dir once per session, each checked once by
the real engine (no patching); test modules assert on the cached outcomes."""

import io
from dataclasses import dataclass

import cardgen
import pytest

from yimen.adapters.images_pillow import PillowImages
from yimen.adapters.ocr_rapid import shared_engine
from yimen.domain.errors import YimenError
from yimen.services.ocr.idcard_check import check_idcard


@dataclass
class Outcome:
    sample: cardgen.Sample
    result: dict | None = None
    error: YimenError | None = None

    @property
    def codes(self) -> list[str]:
        if self.error:
            return [self.error.code]
        return [w["code"] for w in self.result["warnings"]]


def encode(sample: cardgen.Sample) -> bytes:
    """Phone photos arrive as JPEG, screenshots as PNG: exercise both decoders."""
    buf = io.BytesIO()
    if sample.name.startswith("plain"):
        sample.image.save(buf, "PNG")
    else:
        sample.image.save(buf, "JPEG", quality=92)
    return buf.getvalue()


@pytest.fixture(scope="session")
def engine():
    return shared_engine()


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("idcards")
    files = {}
    for sample in cardgen.build_samples(seed=2026):
        path = folder / f"{sample.name}.{'png' if sample.name.startswith('plain') else 'jpg'}"
        path.write_bytes(encode(sample))
        files[sample.name] = (sample, path)
    return files


@pytest.fixture(scope="session")
def outcomes(sample_files, engine) -> dict[str, Outcome]:
    results = {}
    for name, (sample, path) in sample_files.items():
        try:
            results[name] = Outcome(sample, result=check_idcard(path.read_bytes(), PillowImages(), engine))
        except YimenError as exc:
            results[name] = Outcome(sample, error=exc)
    return results
