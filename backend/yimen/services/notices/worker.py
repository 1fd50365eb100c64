"""The notice delivery worker: claims due notice jobs from the outbox, sends each through the first
channel that reaches the person, retries with exponential backoff and gives up into a dead-letter
state after N tries. Locally it runs as a thread beside `yimen serve` or as `yimen notices deliver`.

Delivery is at-least-once towards WeChat/SMS: if the process dies in the instant between a channel
accepting a message and the job being marked done, that one message is sent again after the lease
runs out. Everything else (a crash before sending, during sending, between jobs) loses and
duplicates nothing: claims are atomic and each job is finished in its own transaction, together
with a done mark on its dedupe key that the worker checks before sending (so a dead notice put back
by staff, services/notices/dead.py, is never sent twice)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from yimen.domain.errors import ValidationError
from yimen.ports import DONE_NS, Clock, Job, NoticeRecord, SmsSender, UnitOfWork, WeChat
from yimen.services.notices.channels import (
    ChannelRefused,
    ChannelUnavailable,
    InboxChannel,
    NoticeChannel,
    Recipient,
    SmsChannel,
    SubscribeChannel,
    TemplateChannel,
)
from yimen.services.notices.outbox import EVENTS, NOTICE_JOB, render

log = logging.getLogger("yimen.notices")

CHANNELS = ("subscribe", "template", "sms")
PREFS = "notice_prefs"  # kv namespace, keyed by mini-program openid


class Undeliverable(Exception):
    """No channel can reach this person (no WeChat, no phone): straight to the dead letters."""


def failure_text(exc: Exception) -> str:
    """A failed delivery as the job keeps it and staff read it: channel errors say what failed
    (errcode, HTTP status, timeout), nothing about the person."""
    if isinstance(exc, ChannelUnavailable | Undeliverable):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


@dataclass
class WorkerSettings:
    batch: int = 20
    lease_seconds: int = 300  # longer than the slowest batch (3 channels x 5 s timeout x 20)
    max_attempts: int = 6
    backoff_seconds: int = 30  # 30 s, 1, 2, 4, 8 min ... capped
    backoff_cap_seconds: int = 3600
    poll_seconds: float = 2.0


def template_ids(configured: Mapping[str, Mapping[str, str]], kind: str) -> dict[str, str]:
    """Template ids per event of one channel kind: the configured ones (production sets
    YIMEN_NOTICE_<KIND>_TEMPLATES to a JSON object), else the local imitation's names."""
    return dict(configured.get(kind) or {event: f"yimen-{kind}-{event}" for event in EVENTS})


def set_preferences(uow, openid: str, channels: list[str], oa_openid: str | None = None) -> dict:
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown or not channels or len(set(channels)) != len(channels):
        raise ValidationError("BAD_CHANNELS", "通知渠道只能从“小程序消息、公众号消息、短信”中选择，且不能重复")
    prefs = {"channels": channels, "oa_openid": oa_openid}
    uow.kv.put(PREFS, openid, prefs)
    return prefs


class NoticeWorker:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        wechat: WeChat,
        sms: SmsSender,
        templates: Mapping[str, Mapping[str, str]],
        default_order: Sequence[str],
        settings: WorkerSettings | None = None,
    ):
        """templates: channel kind -> event -> template id, where configured; default_order: the channels
        tried for a person who chose none."""
        self.uow, self.clock = uow, clock
        self.settings = settings or WorkerSettings()
        self.channels: dict[str, NoticeChannel] = {
            "subscribe": SubscribeChannel(wechat, template_ids(templates, "subscribe")),
            "template": TemplateChannel(wechat, template_ids(templates, "template")),
            "sms": SmsChannel(sms),
            "inbox": InboxChannel(),
        }
        self.default_order = list(default_order)

    def run_once(self) -> dict[str, int]:
        """Deliver everything due now, batch by batch; returns how the jobs ended."""
        tally = {"done": 0, "retry": 0, "dead": 0}
        while jobs := self._claim():
            for job in jobs:
                tally[self._handle(job)] += 1
        return tally

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # the thread must outlive a bad moment (e.g. a locked database)
                log.exception("notice worker round failed")
            stop.wait(self.settings.poll_seconds)

    def _claim(self) -> list[Job]:
        now = self.clock.now()
        with self.uow() as uow:
            return uow.job_leases.claim(
                NOTICE_JOB, now, now + timedelta(seconds=self.settings.lease_seconds), self.settings.batch
            )

    def deliver(self, job: Job) -> tuple[NoticeRecord, list[str]]:
        """Send one notice through the first channel that reaches the person; returns the log record
        and notes on channels that refused. Raises Undeliverable or ChannelUnavailable."""
        recipient, order = self._recipient(job.payload)
        notice = render(job.payload["event"], job.payload["data"])
        channel, notes = self._send(recipient, order, notice, job.dedupe_key)
        record = NoticeRecord(
            dedupe_key=job.dedupe_key,
            recipient=recipient.key,
            event=notice.event,
            channel=channel,
            text=notice.text,
            at=self.clock.now(),
        )
        return record, notes

    def handle_queued(self, job: Job) -> None:
        """For a queue consumer (SQS in Lambda): an exception makes the queue redeliver, and its
        maxReceiveCount moves the message to the dead-letter queue; a hopeless notice is dropped."""
        try:
            record, _ = self.deliver(job)
        except Undeliverable as exc:
            log.warning("notice %s undeliverable: %s", job.dedupe_key, exc)
            return
        with self.uow() as uow:
            self._log_delivered(uow, job, record)

    def _handle(self, job: Job) -> str:
        if self._delivered_before(job):  # put back by staff, or finished by a worker whose lease ran out
            return self._finish(job, "done", error="already delivered, not sent again")
        try:
            record, notes = self.deliver(job)
        except Undeliverable as exc:
            return self._finish(job, "dead", error=failure_text(exc))
        except ChannelUnavailable as exc:
            return self._retry(job, failure_text(exc))
        except Exception as exc:  # a bug must not stall the queue: retry, then dead-letter
            log.exception("notice %s failed", job.dedupe_key)
            return self._retry(job, failure_text(exc))
        return self._finish(job, "done", error="; ".join(notes) or None, record=record)

    def _delivered_before(self, job: Job) -> bool:
        with self.uow() as uow:
            return uow.kv.get(DONE_NS, job.dedupe_key) is not None

    def _log_delivered(self, uow, job: Job, record: NoticeRecord) -> None:
        """The notice log entry and the done mark on the dedupe key, in the caller's transaction."""
        uow.notice_log.add(record)
        uow.kv.put(DONE_NS, job.dedupe_key, {"kind": job.kind, "at": record.at.isoformat()})

    def _send(self, recipient: Recipient, order: list[str], notice, ref: str) -> tuple[str, list[str]]:
        notes = []
        for name in [*order, "inbox"]:
            channel = self.channels[name]
            if not channel.reaches(recipient):
                continue
            try:
                channel.send(recipient, notice, ref)
            except ChannelRefused as exc:
                notes.append(f"{name} refused: {exc}")
                continue
            return name, notes
        raise Undeliverable("; ".join(notes) or "无可用的通知渠道（没有微信和手机号）")

    def _recipient(self, payload: dict) -> tuple[Recipient, list[str]]:
        if payload.get("role"):
            return Recipient(key=f"staff:{payload['role']}@{payload.get('area_code') or ''}", staff=True), []
        with self.uow() as uow:
            if payload.get("cadre_of"):  # the household's 帮扶干部: a text to the phone on its file
                household = uow.households.get(payload["cadre_of"])
                phone = household.cadre_phone if household else None
                return Recipient(key=f"cadre:{payload['cadre_of']}", phone=phone), ["sms"]
            if payload.get("household_id"):
                household = uow.households.get(payload["household_id"])
                if household is None:
                    raise Undeliverable("该户不存在")
                # the applicant's own WeChat first: a clerk may file for someone whose household has none
                key, openid = f"household:{household.id}", payload.get("openid") or household.owner_openid
            else:
                openid = payload["openid"]
                owned = uow.households.find_by_owner(openid)
                key, household = f"openid:{openid}", owned[0] if owned else None
            prefs = (uow.kv.get(PREFS, openid) if openid else None) or {}
        return (
            Recipient(
                key=key, openid=openid, oa_openid=prefs.get("oa_openid"), phone=household.phone if household else None
            ),
            prefs.get("channels") or self.default_order,
        )

    def _retry(self, job: Job, error: str) -> str:
        if job.attempts >= self.settings.max_attempts:
            return self._finish(job, "dead", error=error)
        delay = min(self.settings.backoff_seconds * 2 ** (job.attempts - 1), self.settings.backoff_cap_seconds)
        return self._finish(job, "pending", error=error, run_after=self.clock.now() + timedelta(seconds=delay))

    def _finish(
        self, job: Job, status: str, *, error: str | None = None, run_after=None, record: NoticeRecord | None = None
    ) -> str:
        if status == "dead":
            run_after = self.clock.now()  # a dead job's run_after says when it died
        with self.uow() as uow:
            if record is not None:
                self._log_delivered(uow, job, record)
            uow.job_leases.finish(job.id, status, run_after=run_after, error=error)
        if status == "dead":
            log.warning("notice %s dead after %s attempts: %s", job.dedupe_key, job.attempts, error)
        return {"pending": "retry"}.get(status, status)


def my_notices(openid: str, limit: int = 50, *, uow: Callable[[], UnitOfWork]) -> list[NoticeRecord]:
    """What a citizen was told: notices to their openid and to the households they own, newest first."""
    with uow() as unit:
        keys = [f"openid:{openid}"] + [f"household:{h.id}" for h in unit.households.find_by_owner(openid)]
        records = [r for key in keys for r in unit.notice_log.list_for(key, limit=limit).items]
    return sorted(records, key=lambda r: r.at, reverse=True)[:limit]


def preferences(openid: str, *, uow: Callable[[], UnitOfWork], default_order: Sequence[str]) -> dict:
    with uow() as unit:
        prefs = unit.kv.get(PREFS, openid) or {}
    return {
        "channels": prefs.get("channels") or list(default_order),
        "official_account_linked": bool(prefs.get("oa_openid")),
    }
