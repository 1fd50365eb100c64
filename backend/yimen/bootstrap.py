"""Composition root: the one place that picks adapters for the configured backend."""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from yimen.adapters.clock import SystemClock
from yimen.adapters.crypto import AesGcmCipher, FileSealer, audit_mac_key
from yimen.domain.audit import Sealer
from yimen.ports import AnchorSigner, BlobStore, Cipher, Clock, UnitOfWork
from yimen.ports_documents import PdfRenderer, QrEncoder

if TYPE_CHECKING:
    from yimen.services.policy.qa import PolicyQA


@dataclass
class Services:
    config: dict
    uow: Callable[[], UnitOfWork]
    clock: Clock
    cipher: Cipher
    blobs: BlobStore
    wechat: object  # adapters.wechat.WeChatGateway
    sealer: Sealer  # the audit chains' MAC
    anchor_signer: AnchorSigner
    extras: dict = field(default_factory=dict)  # per-process singletons (OCR engine, Q&A index...)

    @functools.cached_property
    def pdf(self) -> PdfRenderer:
        return _pdf()

    @functools.cached_property
    def qr(self) -> QrEncoder:
        return _qr()

    @functools.cached_property
    def policy_qa(self) -> "PolicyQA":
        return _policy_qa()


def build_services(config: dict, clock: Clock | None = None) -> Services:
    from yimen.adapters.wechat import WeChatGateway

    cipher = AesGcmCipher(config["DATA_KEY"])
    sealer = Sealer(config.get("AUDIT_KEY") or audit_mac_key(config["DATA_KEY"]))
    uow, blobs = _records_and_blobs(config, cipher, sealer)
    wechat = WeChatGateway(config["WECHAT_APPID"], config["WECHAT_SECRET"], config["WECHAT_API_BASE"])
    services = Services(
        config=config,
        uow=uow,
        clock=clock or SystemClock(),
        cipher=cipher,
        blobs=blobs,
        wechat=wechat,
        sealer=sealer,
        anchor_signer=_anchor_signer(config),
    )
    if config.get("OCR_FUNCTION"):  # the API function: photos are read by the OCR function, not here
        from yimen.adapters.ocr_lambda import LambdaOcrEngine

        services.extras["ocr_engine"] = LambdaOcrEngine(config)
    return services


def _pdf() -> PdfRenderer:
    from yimen.adapters.pdf_reportlab import ReportlabPdf  # reportlab (~80 ms) loads when a sheet is drawn

    return ReportlabPdf()


def _qr() -> QrEncoder:
    from yimen.adapters.qr import QrcodeEncoder  # qrcode (~20 ms) loads when a code is drawn

    return QrcodeEncoder()


@functools.cache
def _policy_qa() -> "PolicyQA":
    """The policy Q&A engine, one per process whatever the number of Services (~1 s to build: jieba's
    dictionary, the indexes, the learned model), built on the first question, never at import."""
    from yimen.domain.policy import catalogue

    # jieba and zhconv (~300 ms with pkg_resources) load with the engine: no cold start pays for them
    from yimen.services.policy.qa import build_policy_qa

    return build_policy_qa(catalogue())


def _anchor_signer(config: dict) -> AnchorSigner:
    from yimen.adapters.anchor_signers import FileAnchorSigner, KmsAnchorSigner

    if config.get("AUDIT_SIGNING_KEY_ID"):
        from yimen.adapters.aws import LazyClient

        return KmsAnchorSigner(LazyClient(config, "kms"), config["AUDIT_SIGNING_KEY_ID"])
    return FileAnchorSigner(config["AUDIT_SIGNING_KEY_FILE"])


def _records_and_blobs(config: dict, cipher: Cipher, sealer: Sealer):
    if config["BACKEND"] == "sqlite":
        from yimen.adapters.blobs_local import LocalBlobStore
        from yimen.adapters.sqlite import SqliteDatabase

        blobs = LocalBlobStore(Path(config["BLOB_DIR"]), FileSealer(config["DATA_KEY"]), config["SECRET_KEY"].encode())
        return SqliteDatabase(Path(config["DATABASE"]), cipher, sealer).uow, blobs
    if config["BACKEND"] == "aws":
        from yimen.adapters.aws import LazyClient
        from yimen.adapters.dynamodb import DynamoDatabase
        from yimen.adapters.s3 import S3BlobStore
        from yimen.adapters.sqs import SqsJobQueue

        queue = SqsJobQueue(LazyClient(config, "sqs"), config["QUEUE_URLS"])
        records = DynamoDatabase(LazyClient(config, "dynamodb"), config["DYNAMODB_TABLE"], cipher, sealer, queue)
        blobs = S3BlobStore(LazyClient(config, "s3"), config["BLOB_BUCKET"], config["S3_SSE"], config["KMS_KEY_ID"])
        return records.uow, blobs
    raise ValueError(f"unknown backend {config['BACKEND']!r}")
