"""全程留痕 from the command line: `yimen audit anchor` and `yimen audit verify` say where a chain broke
(every tampering case is in tests/contract/test_audit_chain.py)."""

import json
import sqlite3

from click.testing import CliRunner

from yimen.domain.model import AuditEvent
from yimen.entrypoints.cli.main import main


def _append(services, n):
    with services.uow() as uow:
        for i in range(n):
            uow.audit.append(
                AuditEvent(
                    actor="staff:window1",
                    object_type="application",
                    object_id=f"a{i}",
                    action="accept",
                    at=services.clock.now(),
                    from_state="受理",
                    to_state="核对",
                    phrase="同意受理",
                    reason="材料齐全",
                )
            )


def _run(config, command):
    return CliRunner().invoke(main, ["audit", command, "--data-dir", str(config.data_dir)])


def test_intact_chain_verifies_once_anchored(services, config):
    _append(services, 5)
    assert "没有签名锚点" in _run(config, "verify").output
    anchored = _run(config, "anchor")
    assert anchored.exit_code == 0 and "第 1 号锚点" in anchored.output, anchored.output
    assert (config.data_dir / "audit-signing-key.pem").stat().st_mode & 0o777 == 0o600
    result = _run(config, "verify")
    assert result.exit_code == 0, result.output
    assert "共 5 个事件" in result.output and "第 1 号" in result.output


def test_edited_event_is_detected(services, config):
    _append(services, 5)
    _run(config, "anchor")
    db = sqlite3.connect(config.database)
    chain, seq, doc = db.execute("SELECT chain, seq, doc FROM audit_events WHERE object_id = 'a3'").fetchone()
    doc = json.loads(doc)
    doc["phrase"] = "不同意受理"
    db.execute(
        "UPDATE audit_events SET doc = ? WHERE chain = ? AND seq = ?", (json.dumps(doc, ensure_ascii=False), chain, seq)
    )
    db.commit()
    result = _run(config, "verify")
    assert result.exit_code == 1
    assert f"第 {chain} 条链第 {seq} 号事件" in result.output and "被改动" in result.output


def test_staff_actions_leave_audit_events(staff_client, seeded):
    clerk = staff_client("window1")
    with seeded.uow() as uow:
        h = next(uow.households.iter_in_area("990101001"))
    clerk.get(f"/api/v1/households/{h.id}")
    with seeded.uow() as uow:
        events = uow.audit.for_object("household", h.id)
        logins = uow.audit.for_object("staff", "window1")
    assert [(e.actor, e.action) for e in events] == [("staff:window1", "view")]
    assert logins and logins[-1].action == "login"
