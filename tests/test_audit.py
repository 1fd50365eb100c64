"""全程留痕: the hash chain detects edits and deletions; `yimen audit verify` says where."""

import json
import sqlite3

from click.testing import CliRunner

from yimen.cli import main
from yimen.domain.model import AuditEvent


def _append(services, n):
    with services.uow() as uow:
        for i in range(n):
            uow.audit.append(AuditEvent(actor="staff:window1", object_type="application", object_id=f"a{i}",
                                        action="accept", at=services.clock.now(), from_state="受理",
                                        to_state="核对", phrase="同意受理", reason="材料齐全"))


def _verify(config):
    return CliRunner().invoke(main, ["audit", "verify", "--data-dir", str(config["DATA_DIR"])])


def test_intact_chain_verifies(services, config):
    _append(services, 5)
    result = _verify(config)
    assert result.exit_code == 0, result.output
    assert "共 5 个事件" in result.output


def test_edited_event_is_detected(services, config):
    _append(services, 5)
    db = sqlite3.connect(config["DATABASE"])
    doc = json.loads(db.execute("SELECT doc FROM audit_events WHERE seq = 3").fetchone()[0])
    doc["phrase"] = "不同意受理"
    db.execute("UPDATE audit_events SET doc = ? WHERE seq = 3", (json.dumps(doc, ensure_ascii=False),))
    db.commit()
    result = _verify(config)
    assert result.exit_code == 1
    assert "第 3 号事件" in result.output and "被改动" in result.output


def test_deleted_event_is_detected(services, config):
    _append(services, 5)
    db = sqlite3.connect(config["DATABASE"])
    db.execute("DELETE FROM audit_events WHERE seq = 2")
    db.commit()
    result = _verify(config)
    assert result.exit_code == 1
    assert "第 3 号事件" in result.output and "删除" in result.output


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
