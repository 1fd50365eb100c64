"""Upload hardening: real type sniffed, size and pixel limits, EXIF orientation honoured then stripped."""

import io

import pytest
from PIL import Image

from yimen.adapters.images_pillow import PillowImages, PillowPicture
from yimen.domain.errors import TooLarge, ValidationError
from yimen.services.applications.uploads import MAX_PHOTO_BYTES
from yimen.services.ocr.idcard_check import check_image
from yimen.services.ocr.photos import load_upload, sniff


def encoded(image: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **kw)
    return buf.getvalue()


def photo(size=(400, 300)) -> Image.Image:
    return Image.linear_gradient("L").resize(size).convert("RGB")


@pytest.mark.parametrize(("fmt", "mime"), [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_supported_types_are_sniffed_from_the_bytes(fmt, mime):
    data = encoded(photo(), fmt)
    assert sniff(data) == mime
    assert load_upload(data, PillowImages()).image.size == (400, 300)


def test_other_types_are_rejected_whatever_they_claim():
    for data in (encoded(photo(), "GIF"), encoded(photo(), "BMP"), b"%PDF-1.7 not a photo", b""):
        with pytest.raises(ValidationError) as err:
            load_upload(data, PillowImages())
        assert err.value.code == "IMAGE_TYPE_UNSUPPORTED"


def test_heic_is_named_so_the_person_knows_what_to_change():
    with pytest.raises(ValidationError) as err:
        load_upload(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, PillowImages())
    assert err.value.code == "IMAGE_TYPE_HEIC" and "JPG" in err.value.message


def test_more_than_ten_megabytes_is_413():
    data = encoded(photo(), "JPEG")
    with pytest.raises(TooLarge) as err:
        load_upload(data + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(data)), PillowImages())
    assert err.value.status == 413 and err.value.code == "IMAGE_TOO_LARGE"


@pytest.mark.parametrize("side", [9000, 14000])  # 81 and 196 megapixels, the second past Pillow's own guard
def test_decompression_bomb_is_refused_before_decoding(side):
    bomb = encoded(Image.new("1", (side, side)), "PNG")
    assert len(bomb) < 200_000
    with pytest.raises(TooLarge) as err:
        load_upload(bomb, PillowImages())
    assert err.value.code == "IMAGE_TOO_MANY_PIXELS"


def test_truncated_file_is_reported_as_corrupt():
    data = encoded(photo(), "JPEG")
    with pytest.raises(ValidationError) as err:
        load_upload(data[:200], PillowImages())
    assert err.value.code == "IMAGE_CORRUPT"


def test_exif_orientation_is_applied_then_all_metadata_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: turn 90° clockwise to view
    exif[0x010E] = "GPS 31.2096N 107.5023E"  # stands in for a location the phone wrote
    clean = load_upload(encoded(photo((400, 300)), "JPEG", exif=exif.tobytes()), PillowImages())
    assert clean.image.size == (300, 400)
    stored = clean.jpeg_bytes()
    assert b"Exif" not in stored and b"GPS" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_small_and_featureless_images_are_refused_without_the_engine():
    class NoEngine:
        def read(self, image):
            raise AssertionError("the engine must not run on a hopeless image")

    with pytest.raises(ValidationError) as small:
        check_image(PillowPicture(photo((300, 200))), NoEngine())
    assert small.value.code == "IMAGE_TOO_SMALL"
    flat = Image.new("RGB", (1200, 800), (180, 170, 160))
    assert PillowPicture(flat).sharpness() < 1
    with pytest.raises(ValidationError) as blurred:
        check_image(PillowPicture(flat), NoEngine())
    assert blurred.value.code == "IMAGE_TOO_BLURRED"


def test_models_ship_in_the_rapidocr_wheel_so_nothing_is_downloaded():
    from importlib.metadata import files

    from yimen.adapters.ocr_rapid import MODEL_FILES, bundled_model_paths

    shipped = {f.name for f in files("rapidocr") if f.name.endswith(".onnx")}
    assert set(MODEL_FILES.values()) <= shipped
    assert all(path.endswith(".onnx") for path in bundled_model_paths().values())


def test_engine_is_created_once_per_process():
    from yimen.adapters.ocr_rapid import shared_engine

    assert shared_engine() is shared_engine()
