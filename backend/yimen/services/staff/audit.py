"""全程留痕 upkeep: anchoring every chain head under a signature, and verifying chains and anchors
(domain/audit.py says what each check catches). The anchor runs on a schedule (functions/audit_anchor.py,
`yimen serve`'s background loop, or `yimen audit anchor` from cron); verify is `yimen audit verify`."""

from __future__ import annotations

from yimen.domain.audit import Anchor, Verdict, next_anchor, verify


class AuditService:
    def __init__(self, services):
        self.s = services

    def anchor(self) -> Anchor:
        """Checkpoint every chain's head now. Heads are read after the unit of work opens, so what
        commits later is simply in the next anchor."""
        signer = self.s.anchor_signer
        with self.s.uow() as uow:
            latest = uow.audit.latest_anchors(1)
            anchor = next_anchor(latest[-1] if latest else None, uow.audit.heads(), self.s.clock.now(), signer.key_id)
            anchor.signature = signer.sign(anchor.digest())
            uow.audit.add_anchor(anchor)
        return anchor

    def verify(self) -> Verdict:
        signer = self.s.anchor_signer
        with self.s.uow() as uow:
            anchors = uow.audit.latest_anchors(2)
            return verify(
                self.s.sealer,
                uow.audit.iter_all(),
                anchors,
                lambda a: signer.verify(a.digest(), a.signature),
                self.s.clock.now(),
            )
