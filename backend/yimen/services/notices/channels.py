"""Delivery channels behind one small port. A channel either delivers, refuses for this user for good
(ChannelRefused: try the next channel) or is unavailable for now (ChannelUnavailable: retry later)."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from yimen.ports import SmsSender, WeChat, WeChatCallFailed
from yimen.services.notices.outbox import Rendered

# WeChat errcodes that will not change on retry for this user/message: refused or not subscribed
# (43101), invalid openid (40003), bad field (47003), bad template (40037), not allowed (43107).
PERMANENT_ERRCODES = {43101, 40003, 47003, 40037, 43107}


class ChannelRefused(Exception):
    """This channel can't reach this user with this notice; fall back to the next one."""


class ChannelUnavailable(Exception):
    """A temporary failure (HTTP error, timeout, WeChat busy); the whole notice is retried."""


@dataclass(frozen=True)
class Recipient:
    key: str  # household:<id> / openid:<openid> / staff:<role>@<area>
    openid: str | None = None  # mini-program openid
    oa_openid: str | None = None  # official-account openid (set in the user's notice preferences)
    phone: str | None = None
    staff: bool = False


class NoticeChannel(abc.ABC):
    name = ""

    @abc.abstractmethod
    def reaches(self, recipient: Recipient) -> bool: ...

    @abc.abstractmethod
    def send(self, recipient: Recipient, notice: Rendered, ref: str) -> None: ...


def _wechat_call(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except WeChatCallFailed as exc:  # an HTTP error status or errcode: what staff read on a dead notice
        if exc.errcode in PERMANENT_ERRCODES:
            raise ChannelRefused(str(exc)) from exc
        raise ChannelUnavailable(str(exc)) from exc
    except OSError as exc:  # requests' timeouts and connection errors are OSErrors
        raise ChannelUnavailable(type(exc).__name__) from exc


class SubscribeChannel(NoticeChannel):
    """Mini-program subscribe messages: one template per event, values cut to field limits."""

    name = "subscribe"

    def __init__(self, wechat: WeChat, template_ids: dict[str, str]):
        self.wechat, self.template_ids = wechat, template_ids

    def reaches(self, recipient: Recipient) -> bool:
        return bool(recipient.openid) and not recipient.staff

    def send(self, recipient: Recipient, notice: Rendered, ref: str) -> None:
        template_id = self.template_ids.get(notice.event)
        if not template_id:
            raise ChannelRefused(f"no subscribe template for {notice.event}")
        _wechat_call(
            self.wechat.send_subscribe_message, recipient.openid, template_id, notice.subscribe_data(), page=notice.page
        )


class TemplateChannel(NoticeChannel):
    """Official-account template messages, for users who linked the county's official account."""

    name = "template"

    def __init__(self, wechat: WeChat, template_ids: dict[str, str]):
        self.wechat, self.template_ids = wechat, template_ids

    def reaches(self, recipient: Recipient) -> bool:
        return bool(recipient.oa_openid) and not recipient.staff

    def send(self, recipient: Recipient, notice: Rendered, ref: str) -> None:
        template_id = self.template_ids.get(notice.event)
        if not template_id:
            raise ChannelRefused(f"no template message for {notice.event}")
        _wechat_call(self.wechat.send_template_message, recipient.oa_openid, template_id, notice.template_data())


class SmsChannel(NoticeChannel):
    name = "sms"

    def __init__(self, sender: SmsSender):
        self.sender = sender

    def reaches(self, recipient: Recipient) -> bool:
        return bool(recipient.phone) and not recipient.staff

    def send(self, recipient: Recipient, notice: Rendered, ref: str) -> None:
        assert recipient.phone, "reaches() picks recipients with a phone"
        try:
            self.sender.send(recipient.phone, f"【一门】{notice.text}", ref)
        except OSError as exc:
            raise ChannelUnavailable(f"sms: {exc}") from exc


class InboxChannel(NoticeChannel):
    """Staff notices land in the staff inbox: the notice log row the worker writes on completion."""

    name = "inbox"

    def reaches(self, recipient: Recipient) -> bool:
        return recipient.staff

    def send(self, recipient: Recipient, notice: Rendered, ref: str) -> None:
        return None
