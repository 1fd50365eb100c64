"""幸福码 (happiness code) and 幸福清单 views: token issue / rotate / resolve, QR images, who sees what.

A token is 24 random URL-safe characters (144 bits): never an ID number, never a sequence. It lives
in the key-value port twice: token -> household (to resolve a scan) and household -> token (so a
household has exactly one live code). Rotation deletes the old token; a resolve also checks the
reverse record, so a code is live only while both agree.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from yimen.domain.errors import NotFound, ValidationError
from yimen.domain.happiness import DEFAULT_OFFICE, Disclosure, HappinessList, Quarter, build_list
from yimen.domain.model import Actor, AuditEvent, Household
from yimen.domain.permissions import Action, require, require_area
from yimen.domain.policy import catalogue
from yimen.ports import Clock, UnitOfWork
from yimen.ports_documents import PdfRenderer, QrEncoder
from yimen.services.happiness.pdf import Printer, print_options

TOKEN_NS = "happiness_token"
HOUSEHOLD_NS = "happiness_token_by_household"
TOKEN_BYTES = 18
NOT_FOUND = ("HAPPINESS_NOT_FOUND", "这个幸福码无效或已停用，请联系帮扶干部领取新的幸福清单")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def current_token(uow: UnitOfWork, household_id: str) -> str | None:
    record = uow.kv.get(HOUSEHOLD_NS, household_id)
    return record["token"] if record else None


def ensure_token(uow: UnitOfWork, household_id: str, issued_at: str) -> str:
    """The household's live token, issuing one on first use."""
    return current_token(uow, household_id) or _issue(uow, household_id, issued_at)


def _issue(uow: UnitOfWork, household_id: str, issued_at: str) -> str:
    token = new_token()
    if not uow.kv.put_if_absent(TOKEN_NS, token, {"household_id": household_id, "issued_at": issued_at}):
        raise RuntimeError("token collision")  # 2**-144: a broken random source, not bad luck
    uow.kv.put(HOUSEHOLD_NS, household_id, {"token": token, "issued_at": issued_at})
    return token


def rotate_token(uow: UnitOfWork, household_id: str, issued_at: str) -> str:
    """Kill the old code (lost paper, moved house) and issue a new one."""
    old = current_token(uow, household_id)
    if old:
        uow.kv.delete(TOKEN_NS, old)
    return _issue(uow, household_id, issued_at)


def resolve_token(uow: UnitOfWork, token: str) -> str:
    """household_id for a live token; unknown and revoked tokens raise the same NotFound."""
    record = uow.kv.get(TOKEN_NS, token) if 16 <= len(token) <= 64 else None
    if record is None or current_token(uow, record["household_id"]) != token:
        raise NotFound(*NOT_FOUND)
    return record["household_id"]


def list_url(base_url: str, token: str) -> str:
    """The URL in the QR code. Printed codes live for years, so only HTTPS is accepted, except on
    this machine (127.0.0.1/localhost) for the local demo."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
        raise ValidationError("PUBLIC_BASE_URL_NOT_HTTPS", "对外地址（YIMEN_PUBLIC_BASE_URL）必须是 https 地址")
    return f"{base_url.rstrip('/')}/h/{token}"


@lru_cache(maxsize=256)
def office_contact(region_code: str) -> str:
    """The county centre and its hotline, from the catalogue's region parameters."""
    region = catalogue().region(region_code)
    if region.get("centre") and region.get("hotline"):
        return f"{region['centre']}，电话 {region['hotline']}"
    return region.get("window") or DEFAULT_OFFICE


def disclosure_for(actor: Actor | None, household: Household) -> Disclosure:
    owner = actor is not None and actor.kind == "citizen" and actor.id == household.owner_openid
    return Disclosure.OWNER if owner and household.owner_openid else Disclosure.PUBLIC


class HappinessService:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        public_base_url: str,
        pdf: Callable[[], PdfRenderer],
        qr: Callable[[], QrEncoder],
    ):
        """pdf, qr: the renderers, made when a sheet or a code is first drawn (reportlab and qrcode are
        not loaded for the list pages)."""
        self.uow, self.clock, self.public_base_url, self.pdf, self.qr = uow, clock, public_base_url, pdf, qr

    def _url(self, token: str) -> str:
        return list_url(self.public_base_url, token)

    def _view(
        self, uow: UnitOfWork, household: Household, disclosure: Disclosure, through: Quarter | None = None
    ) -> HappinessList:
        records = uow.aid_records.list_for_household(household.id)
        return build_list(
            household,
            records,
            today=self.clock.today(),
            disclosure=disclosure,
            through=through,
            office=office_contact(household.village_code),
        )

    def by_token(self, token: str, actor: Actor | None) -> HappinessList:
        """What a scan shows: the owner sees everything, anyone else the masked list."""
        with self.uow() as uow:
            household = uow.households.get(resolve_token(uow, token))
            if household is None:
                raise NotFound(*NOT_FOUND)
            return self._view(uow, household, disclosure_for(actor, household))

    def qr_for_token(self, token: str) -> bytes:
        with self.uow() as uow:
            resolve_token(uow, token)
        return self.qr().png(self._url(token))

    def mine(self, actor: Actor) -> list[tuple[HappinessList, str]]:
        """The logged-in owner's households, unmasked, each with its live code's URL."""
        with self.uow() as uow:
            out = []
            for household in uow.households.find_by_owner(actor.id):
                token = ensure_token(uow, household.id, self.clock.now().isoformat())
                out.append((self._view(uow, household, Disclosure.OWNER), self._url(token)))
            return out

    def _staff_household(self, uow: UnitOfWork, actor: Actor, household_id: str) -> Household:
        require(actor, Action.HAPPINESS_ROTATE)
        household = uow.households.get(household_id)
        if household is None:
            raise NotFound("HOUSEHOLD_NOT_FOUND", "找不到该户")
        require_area(actor, household.village_code)
        return household

    def sheet_pdf(self, actor: Actor, household_id: str) -> bytes:
        """补打: this quarter's paper sheet for one household, e.g. right after its code was replaced."""
        quarter = Quarter.of(self.clock.today())
        with self.uow() as uow:
            household = self._staff_household(uow, actor, household_id)
            now = self.clock.now()
            token = ensure_token(uow, household_id, now.isoformat())
            view = self._view(uow, household, Disclosure.PRINT, through=quarter)
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="household",
                    object_id=household_id,
                    action="happiness_sheet_printed",
                    at=now,
                    reason=str(quarter),
                )
            )
        options = print_options(household.village_code, quarter, "red", "A4")
        return Printer(self.pdf(), self.qr()).render(view, self._url(token), options)

    def rotate(self, actor: Actor, household_id: str) -> str:
        """Staff in the household's area replace its code; returns the new URL."""
        with self.uow() as uow:
            self._staff_household(uow, actor, household_id)
            now = self.clock.now()
            token = rotate_token(uow, household_id, now.isoformat())
            # The token itself stays out of the audit log: the log is readable by more people.
            uow.audit.append(
                AuditEvent(
                    actor=actor.label,
                    object_type="household",
                    object_id=household_id,
                    action="happiness_token_rotated",
                    at=now,
                    phrase="更换幸福码",
                )
            )
        return self._url(token)
