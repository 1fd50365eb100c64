"""Static files and compression for village networks. Every static URL carries its file's content hash
(`/static/yimen.css?v=…`), so a phone keeps the file for a year without a render-blocking revalidation on
each page; a new deploy changes the hash and with it the URL. Text responses (HTML, CSS, JSON) are
compressed with brotli or gzip, whichever the browser accepts."""

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from flask import Flask, Response, abort, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def init_assets(app: Flask, folder: Path) -> None:
    app.config.update(
        COMPRESS_MIMETYPES=[
            "text/html",
            "text/css",
            "application/json",
            "application/javascript",
            "text/javascript",
            "image/svg+xml",
        ],
        COMPRESS_MIN_SIZE=500,
    )
    Compress(app)
    app.config["YIMEN_STATIC"] = folder
    app.add_url_rule("/static/<path:filename>", "static", _static)
    app.url_defaults(_fingerprint)


def _fingerprint(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values:
        path = safe_join(str(current_app.config["YIMEN_STATIC"]), values["filename"])
        if path and Path(path).is_file():
            values.setdefault("v", _digest(path, Path(path).stat().st_mtime_ns))


@cache
def _digest(path: str, _mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _static(filename: str):
    # Read into memory rather than streamed (send_file): the files are a few KB, and only a buffered
    # response can be compressed.
    path = safe_join(str(current_app.config["YIMEN_STATIC"]), filename)
    if not path or not Path(path).is_file():
        abort(404)
    data = Path(path).read_bytes()
    response = Response(data, mimetype=_mimetype(path))
    if request.args.get("v") == _digest(path, Path(path).stat().st_mtime_ns):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    response.add_etag()
    return response.make_conditional(request)


def _mimetype(path: str) -> str:
    return mimetypes.guess_type(path)[0] or "application/octet-stream"
