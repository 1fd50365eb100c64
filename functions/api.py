"""HTTP API: API Gateway HTTP API (payload format 2.0) -> the Flask app through apig-wsgi.

Cold start matters here, so this module imports only the web layer; the OCR model lives in the
ocrWorker function and the app is created on the first event (then reused while warm)."""

from apig_wsgi import make_lambda_handler

from functions.runtime import services
from yimen.entrypoints.web.app import create_app

_wsgi = None


def wsgi_handler():
    """The app behind apig-wsgi, built on the first event and reused while the container is warm."""
    global _wsgi
    if _wsgi is None:
        _wsgi = make_lambda_handler(create_app(services().config, services()), binary_support=True)
    return _wsgi


def handler(event: dict, context) -> dict:
    return wsgi_handler()(event, context)
