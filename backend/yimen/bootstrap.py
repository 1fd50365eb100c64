"""Composition root: the one place that picks adapters for the configured backend."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .adapters.clock import SystemClock
from .adapters.crypto import AesGcmCipher
from .ports import BlobStore, Cipher, Clock, UnitOfWork


@dataclass
class Services:
    config: dict
    uow: Callable[[], UnitOfWork]
    clock: Clock
    cipher: Cipher
    blobs: BlobStore
    wechat: object  # adapters.wechat.WeChatGateway
    extras: dict = field(default_factory=dict)  # per-process singletons (OCR engine, Q&A index...)


def build_services(config: dict, clock: Clock | None = None) -> Services:
    from .adapters.wechat import WeChatGateway

    cipher = AesGcmCipher(config["DATA_KEY"])
    uow, blobs = _records_and_blobs(config, cipher)
    wechat = WeChatGateway(config["WECHAT_APPID"], config["WECHAT_SECRET"], config["WECHAT_API_BASE"])
    return Services(config=config, uow=uow, clock=clock or SystemClock(), cipher=cipher, blobs=blobs,
                    wechat=wechat)


def _records_and_blobs(config: dict, cipher: Cipher):
    if config["BACKEND"] == "sqlite":
        from .adapters.blobs_local import LocalBlobStore
        from .adapters.sqlite import SqliteDatabase

        return SqliteDatabase(Path(config["DATABASE"]), cipher).uow, LocalBlobStore(Path(config["BLOB_DIR"]))
    raise ValueError(f"unknown backend {config['BACKEND']!r}")
