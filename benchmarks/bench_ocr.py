"""ID-card OCR benchmark: engine load time, per-image latency of the full check beside the raw engine call
on the same images, and field accuracy on the synthetic positive set (tests/ocr/cardgen.py).

    .venv/bin/python benchmarks/bench_ocr.py [--per-style N]
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(ROOT / "tests" / "ocr")]

import cardgen  # noqa: E402
from PIL import Image  # noqa: E402

from yimen.adapters.images_pillow import PillowImages, PillowPicture  # noqa: E402
from yimen.adapters.ocr_rapid import RapidOcrEngine  # noqa: E402
from yimen.services.ocr.idcard_check import check_idcard  # noqa: E402

FIELDS = ("id_number", "name", "gender", "ethnicity", "birth_date", "address")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-style", type=int, default=3, help="positive photos per perturbation style")
    args = parser.parse_args()

    started = time.perf_counter()
    engine = RapidOcrEngine()
    engine.read(
        PillowPicture(Image.new("RGB", (64, 32), "white"))
    )  # the first call allocates the ONNX sessions' arenas
    load_s = time.perf_counter() - started

    samples = [s for s in cardgen.build_samples(seed=7, positives_per_style=args.per_style) if s.expect_ok]
    raw_ms, full_ms, right = [], [], dict.fromkeys(FIELDS, 0)
    for sample in samples:
        data = jpeg(sample.image)
        image = PillowPicture(Image.open(io.BytesIO(data)).convert("RGB"))
        t0 = time.perf_counter()
        engine.read(image)
        t1 = time.perf_counter()
        result = check_idcard(data, PillowImages(), engine)  # decode, harden, measure, read, parse, check
        t2 = time.perf_counter()
        raw_ms.append((t1 - t0) * 1000)
        full_ms.append((t2 - t1) * 1000)
        p = sample.person
        want = {
            "id_number": p.id_number,
            "name": p.name,
            "gender": p.gender,
            "ethnicity": p.ethnicity,
            "birth_date": p.shown_birth.isoformat(),
            "address": p.address,
        }
        for key in FIELDS:
            right[key] += result[key] == want[key]

    n = len(samples)
    print(f"OCR benchmark: {n} positive synthetic photos ({args.per_style} per style, 12 styles)")
    print(f"engine load (RapidOCR PP-OCRv6 small, ONNX Runtime): {load_s:.2f} s")
    for label, values in (("raw engine call", raw_ms), ("full check", full_ms)):
        print(
            f"{label:16s} p50 {percentile(values, 0.5):7.0f} ms   p95 {percentile(values, 0.95):7.0f} ms   "
            f"mean {statistics.mean(values):7.0f} ms"
        )
    ratios = [f / r for f, r in zip(full_ms, raw_ms, strict=True)]
    print(
        f"full/raw p50 ratio {percentile(full_ms, 0.5) / percentile(raw_ms, 0.5):.2f}x "
        f"(per-image ratio median {statistics.median(ratios):.2f}x; target <= 1.10x)"
    )
    print("field accuracy: " + ", ".join(f"{k} {right[k] / n:.1%}" for k in FIELDS))


if __name__ == "__main__":
    main()
