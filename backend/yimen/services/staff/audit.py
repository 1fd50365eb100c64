"""全程留痕 upkeep: anchoring every chain head under a signature, and verifying chains and anchors
(domain/audit.py says what each check catches). The anchor runs on a schedule (functions/audit_anchor.py,
`yimen serve`'s background loop, or `yimen audit anchor` from cron); verify is `yimen audit verify`."""

from __future__ import annotations

from collections.abc import Callable

from yimen.domain.audit import Anchor, Sealer, Verdict, next_anchor, verify
from yimen.ports import AnchorSigner, Clock, UnitOfWork


class AuditService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, sealer: Sealer, anchor_signer: AnchorSigner):
        self.uow, self.clock, self.sealer, self.anchor_signer = uow, clock, sealer, anchor_signer

    def anchor(self) -> Anchor:
        """Checkpoint every chain's head now. Heads are read after the unit of work opens, so what
        commits later is simply in the next anchor."""
        signer = self.anchor_signer
        with self.uow() as uow:
            latest = uow.audit.latest_anchors(1)
            anchor = next_anchor(latest[-1] if latest else None, uow.audit.heads(), self.clock.now(), signer.key_id)
            anchor.signature = signer.sign(anchor.digest())
            uow.audit.add_anchor(anchor)
        return anchor

    def verify(self) -> Verdict:
        signer = self.anchor_signer
        with self.uow() as uow:
            anchors = uow.audit.latest_anchors(2)
            return verify(
                self.sealer,
                uow.audit.iter_all(),
                anchors,
                lambda a: signer.verify(a.digest(), a.signature),
                self.clock.now(),
            )
