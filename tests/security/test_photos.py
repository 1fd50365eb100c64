"""Finding 3 and 8's photo part: every photo, however it arrives, is measured from its header before any
decoding, a broken one is a plain 400, and what is stored is re-encoded from pixels (no GPS anywhere)."""

import base64
import io

from PIL import Image

from tests.security.images import blank_png, png_header_only
from tests.workflow.helpers import application_body, submit

GPS_EXIF = Image.Exif()
GPS_EXIF[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPSInfo
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="39,54.45N" '
    b'exif:GPSLongitude="116,23.28E"/></rdf:RDF></x:xmpmeta>'
)
BROKEN_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb" + b"\x00" * 40


def _encoded(fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((320, 200)).convert("RGB").save(buf, fmt, **kw)
    return buf.getvalue()


def _with_id_photo(data: bytes) -> dict:
    body = application_body()
    body["materials"]["id_photo"] = base64.b64encode(data).decode()
    return body


def test_a_huge_png_inside_an_application_is_refused_and_nothing_is_filed(client, citizen_headers, seeded):
    response = submit(client, citizen_headers, _with_id_photo(png_header_only(30000, 30000)))
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "IMAGE_TOO_MANY_PIXELS"
    assert "像素过多" in response.get_json()["error"]["message"]
    assert client.get("/api/v1/applications", headers=citizen_headers).get_json()["items"] == []


def test_a_malformed_jpeg_inside_an_application_is_a_clear_400(client, citizen_headers, seeded):
    response = submit(client, citizen_headers, _with_id_photo(BROKEN_JPEG))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "IMAGE_CORRUPT"
    assert "照片文件已损坏" in response.get_json()["error"]["message"]


def test_ocr_upload_refuses_huge_and_broken_photos(client, citizen_headers):
    huge = client.post(
        "/api/v1/ocr/idcard",
        headers=citizen_headers,
        data={"image": (io.BytesIO(png_header_only(30000, 30000)), "a.png")},
    )
    assert huge.status_code == 413 and huge.get_json()["error"]["code"] == "IMAGE_TOO_MANY_PIXELS"
    broken = client.post(
        "/api/v1/ocr/idcard", headers=citizen_headers, data={"image": (io.BytesIO(BROKEN_JPEG), "a.jpg")}
    )
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "IMAGE_CORRUPT"


def test_a_50_megapixel_png_is_decoded_small():
    from yimen.adapters.images_pillow import PillowImages
    from yimen.services.ocr.photos import STORED_EDGE, load_upload

    image = load_upload(blank_png(7000, 7000), PillowImages()).image
    assert max(image.size) == STORED_EDGE


def _stored_id_photo(client, citizen_headers, seeded, data: bytes) -> bytes:
    response = submit(client, citizen_headers, _with_id_photo(data))
    assert response.status_code == 201, response.get_json()
    with seeded.uow() as uow:
        app = uow.applications.get(response.get_json()["id"])
    return seeded.blobs.get(app.materials["id_photo"])


def test_png_exif_gps_is_gone_from_the_stored_photo(client, citizen_headers, seeded):
    original = _encoded("PNG", exif=GPS_EXIF)
    assert b"eXIf" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    stored = _stored_id_photo(client, citizen_headers, seeded, original)
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and "exif" not in image.info
    assert b"eXIf" not in stored and b"Exif" not in stored


def test_jpeg_xmp_gps_is_gone_from_the_stored_photo(client, citizen_headers, seeded):
    original = _encoded("JPEG", xmp=XMP)
    assert b"GPSLatitude" in original and not Image.open(io.BytesIO(original)).getexif()
    stored = _stored_id_photo(client, citizen_headers, seeded, original)
    assert b"GPSLatitude" not in stored and b"xmpmeta" not in stored and b"http://ns.adobe.com/xap" not in stored


def test_a_burst_is_worked_on_max_decodes_at_a_time(monkeypatch):
    """Six photos at once: an observer around the decoding step counts how many are inside together."""
    import threading
    import time

    from yimen.adapters import images_pillow
    from yimen.services.ocr import photos

    inside, most, lock, decode = 0, 0, threading.Lock(), images_pillow._shrunk_upright

    def observed(image, max_edge):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        try:
            time.sleep(0.05)
            return decode(image, max_edge)
        finally:
            with lock:
                inside -= 1

    monkeypatch.setattr(images_pillow, "_shrunk_upright", observed)
    data = blank_png(1200, 900)
    images = images_pillow.PillowImages()
    threads = [threading.Thread(target=photos.load_upload, args=(data, images)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == photos.MAX_DECODES
