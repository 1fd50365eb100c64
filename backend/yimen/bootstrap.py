"""Composition root: the one place that picks adapters for the configured backend."""

import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yimen import config as configuration
from yimen.adapters.aws import LazyClient, client
from yimen.adapters.clock import SystemClock
from yimen.adapters.crypto import AesGcmCipher, FileSealer, audit_mac_key
from yimen.adapters.kms import new_wrapped_data_key, unwrap_data_key
from yimen.adapters.logs import use_json_logs
from yimen.adapters.sqs import process_batch
from yimen.adapters.wechat import WeChatGateway
from yimen.config import AwsEndpoints, Config
from yimen.domain.audit import Sealer
from yimen.ports import AnchorSigner, BlobStore, Cipher, Clock, Job, JobQueue, SmsSender, UnitOfWork, WeChat
from yimen.ports_documents import PdfRenderer, QrEncoder, SpreadsheetReader
from yimen.ports_ocr import Images, OcrEngine
from yimen.services.applications.casework import CaseFiles
from yimen.services.applications.citizen import CitizenCases
from yimen.services.applications.complaints import ComplaintService
from yimen.services.applications.corrections import Corrections
from yimen.services.applications.deadlines import DeadlineScan
from yimen.services.applications.decisions import Decisions
from yimen.services.applications.green import GreenChannelGrants
from yimen.services.applications.id_check import IdChecks
from yimen.services.applications.reports import CaseReports
from yimen.services.applications.signing import Signer
from yimen.services.applications.submission import Submission
from yimen.services.applications.withdrawal import Withdrawal
from yimen.services.checking.outreach import OutreachService
from yimen.services.funds.disbursement import DisbursementService
from yimen.services.funds.payees import PayeeService, county_banks
from yimen.services.happiness.lists import HappinessService
from yimen.services.households.binding import BindingService
from yimen.services.households.file import HouseholdFileService
from yimen.services.households.reading import HouseholdService
from yimen.services.notices.worker import NoticeWorker, WorkerSettings
from yimen.services.rate_limits import RateLimiter
from yimen.services.staff.accounts import StaffService
from yimen.services.staff.audit import AuditService
from yimen.services.staff.auth import AuthService
from yimen.services.staff.dashboard import DashboardService

if TYPE_CHECKING:
    from yimen.services.policy.qa import PolicyQA


@dataclass(frozen=True)
class Services:
    """The chosen adapters, and every ready-made service built from them on first use. A service gets
    exactly the dependencies it uses; a test that needs a variant builds the class with its own."""

    config: Config
    uow: Callable[[], UnitOfWork]
    clock: Clock
    cipher: Cipher
    blobs: BlobStore
    wechat: WeChat
    sealer: Sealer  # the audit chains' MAC
    anchor_signer: AnchorSigner

    @functools.cached_property
    def auth(self) -> AuthService:
        c = self.config
        return AuthService(
            uow=self.uow, clock=self.clock, wechat=self.wechat, secret_key=c.secret_key, token_max_age=c.token_max_age
        )

    @functools.cached_property
    def rate_limiter(self) -> RateLimiter:
        return RateLimiter(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def audit(self) -> AuditService:
        return AuditService(uow=self.uow, clock=self.clock, sealer=self.sealer, anchor_signer=self.anchor_signer)

    @functools.cached_property
    def staff(self) -> StaffService:
        return StaffService(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def dashboard(self) -> DashboardService:
        return DashboardService(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def payees(self) -> PayeeService:
        return PayeeService(uow=self.uow, clock=self.clock, banks=county_banks(self.config.banks_file))

    @functools.cached_property
    def disbursement(self) -> DisbursementService:
        return DisbursementService(uow=self.uow, clock=self.clock, export_workers=self.config.export_workers)

    @functools.cached_property
    def households(self) -> HouseholdService:
        return HouseholdService(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def household_file(self) -> HouseholdFileService:
        return HouseholdFileService(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def binding(self) -> BindingService:
        return BindingService(uow=self.uow, clock=self.clock, cipher=self.cipher, sms=self.sms)

    @functools.cached_property
    def outreach(self) -> OutreachService:
        return OutreachService(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def happiness(self) -> HappinessService:
        return HappinessService(
            uow=self.uow,
            clock=self.clock,
            public_base_url=self.config.public_base_url,
            pdf=lambda: self.pdf,
            qr=lambda: self.qr,
        )

    @functools.cached_property
    def notice_worker(self) -> NoticeWorker:
        return self.make_notice_worker()

    def make_notice_worker(self, settings: WorkerSettings | None = None, wechat: WeChat | None = None) -> NoticeWorker:
        """A notice worker with other settings (a CLI option, a test's) or another WeChat gateway."""
        return NoticeWorker(
            uow=self.uow,
            clock=self.clock,
            wechat=wechat or self.wechat,
            sms=self.sms,
            templates=self.config.notice_templates,
            default_order=self.config.notice_channels,
            settings=settings,
        )

    @functools.cached_property
    def pdf(self) -> PdfRenderer:
        return _pdf()

    @functools.cached_property
    def qr(self) -> QrEncoder:
        return _qr()

    @functools.cached_property
    def policy_qa(self) -> "PolicyQA":
        return _policy_qa()

    @functools.cached_property
    def xlsx(self) -> SpreadsheetReader:
        return _xlsx()

    @functools.cached_property
    def relay_queue(self) -> JobQueue:
        return _relay_queue(self.config)

    @functools.cached_property
    def sms(self) -> SmsSender:
        return _sms_sender(self.config, self.clock)

    @functools.cached_property
    def images(self) -> Images:
        return _images()

    @functools.cached_property
    def ocr(self) -> OcrEngine:
        return _ocr_engine(self.config)

    # --- applications (services/applications/): one service per part of a case's life

    @functools.cached_property
    def submission(self) -> Submission:
        banks = county_banks(self.config.banks_file)
        return Submission(uow=self.uow, clock=self.clock, blobs=self.blobs, images=self.images, banks=banks)

    @functools.cached_property
    def citizen_cases(self) -> CitizenCases:
        return CitizenCases(uow=self.uow)

    @functools.cached_property
    def withdrawal(self) -> Withdrawal:
        return Withdrawal(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def corrections(self) -> Corrections:
        return Corrections(uow=self.uow, clock=self.clock, blobs=self.blobs, images=self.images)

    @functools.cached_property
    def case_files(self) -> CaseFiles:
        return CaseFiles(uow=self.uow, clock=self.clock, blobs=self.blobs)

    @functools.cached_property
    def signer(self) -> Signer:
        return Signer(auth=self.auth, clock=self.clock, blobs=self.blobs, images=self.images)

    @functools.cached_property
    def decisions(self) -> Decisions:
        return Decisions(uow=self.uow, clock=self.clock, cipher=self.cipher, signer=self.signer)

    @functools.cached_property
    def green_channel(self) -> GreenChannelGrants:
        return GreenChannelGrants(
            uow=self.uow,
            clock=self.clock,
            signer=self.signer,
            auth=self.auth,
            max_fen=self.config.green_max_fen,
            second_signer_fen=self.config.green_second_signer_fen,
        )

    @functools.cached_property
    def id_checks(self) -> IdChecks:
        return IdChecks(uow=self.uow, clock=self.clock, blobs=self.blobs, images=self.images)

    @functools.cached_property
    def case_reports(self) -> CaseReports:
        return CaseReports(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def deadlines(self) -> DeadlineScan:
        return DeadlineScan(uow=self.uow, clock=self.clock)

    @functools.cached_property
    def complaints(self) -> ComplaintService:
        return ComplaintService(uow=self.uow, clock=self.clock, reply_days=self.config.complaint_reply_days)


def build_services(config: Config, clock: Clock | None = None) -> Services:
    cipher = AesGcmCipher(config.data_key)
    sealer = Sealer(config.audit_key or audit_mac_key(config.data_key))
    uow, blobs = _records_and_blobs(config, cipher, sealer)
    wechat = WeChatGateway(config.wechat_appid, config.wechat_secret, config.wechat_api_base)
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


def _xlsx() -> SpreadsheetReader:
    from yimen.adapters.xlsx_openpyxl import OpenpyxlReader  # openpyxl (~170 ms) loads with the first import

    return OpenpyxlReader()


def sqs_batch(event: dict, run: Callable[[Job], object]) -> dict[str, list[dict[str, str]]]:
    """A Lambda SQS event, each message run as a Job; the failed ones reported for redelivery."""
    return process_batch(event, run)


def use_lambda_logs() -> None:
    """One JSON object per line, personal data masked: what CloudWatch Logs Insights reads."""
    use_json_logs(logging.INFO)


def load_config(data_dir: str | os.PathLike | None = None, **overrides: Any) -> Config:
    """The configuration, a KMS-wrapped data key unwrapped by KMS (the one AWS call made reading it)."""
    return configuration.load_config(data_dir, unwrap_data_key=_unwrap_data_key, **overrides)


def _unwrap_data_key(endpoints: AwsEndpoints, wrapped: str) -> bytes:
    return unwrap_data_key(client(endpoints, "kms"), wrapped)


def wrapped_data_key(endpoints: AwsEndpoints, key_id: str) -> str:
    """A new data key from KMS, returned only wrapped (`yimen kms-data-key`)."""
    return new_wrapped_data_key(client(endpoints, "kms"), key_id)


def _relay_queue(config: Config) -> JobQueue:
    """SQS, where the serverless path's outbox relay hands the jobs whose send after commit failed."""
    from yimen.adapters.sqs import SqsJobQueue

    return SqsJobQueue(LazyClient(config.aws, "sqs"), config.queue_urls)


def _sms_sender(config: Config, clock: Clock) -> SmsSender:
    """No SMS provider is wired yet: texts are kept in a file under the data dir (LocalSmsSender)."""
    from yimen.adapters.sms_local import LocalSmsSender

    return LocalSmsSender(Path(config.data_dir) / "sms-outbox.jsonl", clock)


def _images() -> Images:
    from yimen.adapters.images_pillow import PillowImages  # Pillow (~20 ms) loads with the first photo

    return PillowImages()


def _ocr_engine(config: Config) -> OcrEngine:
    """The API function has photos read by the OCR function; everywhere else this process reads them,
    with one RapidOCR model per process, loaded by the first read."""
    if config.ocr_function:
        from yimen.adapters.aws import LazyClient
        from yimen.adapters.ocr_lambda import LambdaOcrEngine

        return LambdaOcrEngine(LazyClient(config.aws, "lambda"), config.ocr_function)
    return _local_ocr()


def _local_ocr() -> OcrEngine:
    from yimen.adapters.ocr_rapid import shared_engine  # numpy; the model itself waits for the first read

    return shared_engine()


def photo_reading() -> tuple[Images, OcrEngine]:
    """What reads a photo in this process, for a tool that needs no records (`yimen ocr-idcard`)."""
    return _images(), _local_ocr()


def _anchor_signer(config: Config) -> AnchorSigner:
    from yimen.adapters.anchor_signers import FileAnchorSigner, KmsAnchorSigner

    if config.audit_signing_key_id:
        from yimen.adapters.aws import LazyClient

        return KmsAnchorSigner(LazyClient(config.aws, "kms"), config.audit_signing_key_id)
    return FileAnchorSigner(config.audit_signing_key_file)


def _records_and_blobs(config: Config, cipher: Cipher, sealer: Sealer) -> tuple[Callable[[], UnitOfWork], BlobStore]:
    if config.backend == "sqlite":
        from yimen.adapters.blobs_local import LocalBlobStore
        from yimen.adapters.sqlite import SqliteDatabase

        blobs: BlobStore = LocalBlobStore(
            Path(config.blob_dir), FileSealer(config.data_key), config.secret_key.encode()
        )
        return SqliteDatabase(Path(config.database), cipher, sealer).uow, blobs
    if config.backend == "aws":
        from yimen.adapters.aws import LazyClient
        from yimen.adapters.dynamodb import DynamoDatabase
        from yimen.adapters.s3 import S3BlobStore
        from yimen.adapters.sqs import SqsJobQueue

        queue = SqsJobQueue(LazyClient(config.aws, "sqs"), dict(config.queue_urls))
        records = DynamoDatabase(LazyClient(config.aws, "dynamodb"), config.dynamodb_table, cipher, sealer, queue)
        blobs = S3BlobStore(LazyClient(config.aws, "s3"), config.blob_bucket, config.s3_sse, config.kms_key_id)
        return records.uow, blobs
    raise ValueError(f"unknown backend {config.backend!r}")
