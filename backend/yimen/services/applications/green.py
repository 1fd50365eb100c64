"""绿色通道: 先救助、后补办. A one-off grant now, capped by the item's standard and the county's maximum;
above a threshold a second clerk co-signs. It follows from it what follows from any grant (messagebus).
"""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.errors import ValidationError
from yimen.domain.model import Actor
from yimen.domain.money import yuan
from yimen.domain.permissions import Action, require
from yimen.domain.policy import catalogue
from yimen.domain.workflow import Application
from yimen.ports import Clock, UnitOfWork
from yimen.services import messagebus
from yimen.services.applications.cases import audit, for_update, staff_app, verify_identity
from yimen.services.applications.signing import CoSigner, Signer, Signing
from yimen.services.staff.auth import AuthService


def green_ceiling(item_code: str, village_code: str, county_max_fen: int) -> int:
    """The most a green-channel grant may be: the item's highest standard here, never above the county's cap."""
    item = catalogue().get(item_code)
    amounts = [line.fen for line in item.standard_lines(village_code) if line.fen] if item else []
    return min(county_max_fen, max(amounts)) if amounts else county_max_fen


class GreenChannelGrants:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        signer: Signer,
        auth: AuthService,
        max_fen: int,
        second_signer_fen: int,
    ):
        self.uow = uow
        self.clock = clock
        self.signer = signer
        self.auth = auth
        self.max_fen = max_fen
        self.second_signer_fen = second_signer_fen

    def grant(
        self,
        actor: Actor,
        app_id: str,
        version: int,
        item_code: str,
        amount_fen: int,
        reason: str,
        signing: Signing,
        *,
        identity_verified: bool = False,
        cosigner: CoSigner | None = None,
    ) -> Application:
        """绿色通道: 先救助、后补办. A one-off slip now; the case goes on as its paperwork, with its own limit.
        The amount is capped (item standard, county maximum); above a threshold a second clerk co-signs."""
        require(actor, Action.CASE_GREEN)
        second = self._green_limits(actor, app_id, item_code, amount_fen, cosigner)
        signature = self.signer.sign(actor, signing, f"{app_id}|v{version}|green|{item_code}|{amount_fen}|{reason}")
        if second:
            signature["second_signer"] = second.id
        now = self.clock.now()
        with self.uow() as uow:
            app = for_update(uow, actor, app_id, version)
            verify_identity(uow, actor, app, identity_verified, now)
            app.grant_green_channel(
                at=now,
                actor=actor.label,
                actor_name=actor.name,
                item_code=item_code,
                amount_fen=amount_fen,
                reason=reason,
                signature=signature,
            )
            uow.applications.update(app)
            audit(uow, actor, app, "green_channel", app.stage, now, phrase="绿色通道", reason=reason)
            messagebus.handle(uow, app.pop_events())  # the same consequences as any grant: services/messagebus.py
            return app

    def _green_limits(
        self, actor: Actor, app_id: str, item_code: str, amount_fen: int, cosigner: CoSigner | None
    ) -> Actor | None:
        """Checked before anything is signed or written; returns the co-signer when one was needed."""
        with self.uow() as uow:
            village = staff_app(uow, actor, app_id).village_code
        if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
            raise ValidationError("BAD_AMOUNT", "请填写应急救助金额")
        ceiling = green_ceiling(item_code, village, self.max_fen)
        if amount_fen > ceiling:
            raise ValidationError("GREEN_OVER_LIMIT", f"应急救助金额不能超过 {yuan(ceiling)} 元（事项标准和全县上限）")
        threshold = self.second_signer_fen
        if amount_fen <= threshold:
            return None
        if cosigner is None or not cosigner.username:
            raise ValidationError(
                "SECOND_SIGNER_REQUIRED", f"应急救助金额超过 {yuan(threshold)} 元，须另一名工作人员复核签字"
            )
        return self.auth.check_cosigner(actor, cosigner.username, cosigner.pin, village, Action.CASE_GREEN)
