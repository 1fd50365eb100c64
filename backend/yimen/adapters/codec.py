"""Domain objects <-> JSON documents, shared by every record adapter.

Personal data (ID number, phone, bank card) leaves this module only encrypted; the keyed lookup
hashes travel beside the document so adapters can index them without ever seeing plaintext."""

from dataclasses import asdict, fields
from datetime import date, datetime

from yimen.domain.audit import Anchor
from yimen.domain.departments import DEPARTMENTS, department_in
from yimen.domain.disbursement import Attempt, Batch, BatchLine, BatchState, Slip, SlipStatus
from yimen.domain.model import AidRecord, AuditEvent, Household, Member, Relation, Role, StaffUser, WorkCapacity
from yimen.domain.outreach import OutreachEntry
from yimen.domain.payee import Payee
from yimen.domain.workflow import (
    Application,
    Assistant,
    Complaint,
    ComplaintStatus,
    ComplaintStep,
    GreenChannel,
    RequestedItem,
    Stage,
    Step,
)
from yimen.ports import Cipher, NoticeRecord

HOUSEHOLD_SECRETS = ("phone", "bank_card", "cadre_phone")


def _enc(cipher: Cipher, value: str | None) -> str | None:
    return cipher.encrypt(value) if value else None


def _dec(cipher: Cipher, value: str | None) -> str | None:
    return cipher.decrypt(value) if value else None


def household_to_doc(h: Household, cipher: Cipher) -> dict:
    doc = asdict(h)
    for name in HOUSEHOLD_SECRETS:
        doc[name] = _enc(cipher, doc[name])
    for member in doc["members"]:
        member["id_number"] = _enc(cipher, member["id_number"])
        member["birth_date"] = member["birth_date"].isoformat()
    doc["outreach"] = [e.to_doc() for e in h.outreach]
    return doc


def household_from_doc(doc: dict, cipher: Cipher) -> Household:
    doc = dict(doc)
    for name in HOUSEHOLD_SECRETS:
        doc[name] = _dec(cipher, doc.get(name))
    doc["members"] = [_member_from_doc(m, cipher) for m in doc["members"]]
    doc["outreach"] = [OutreachEntry.from_doc(e) for e in doc.get("outreach", [])]
    return Household(**_known(Household, doc))


def _member_from_doc(doc: dict, cipher: Cipher) -> Member:
    doc = dict(doc)
    doc["id_number"] = _dec(cipher, doc["id_number"])
    doc["birth_date"] = date.fromisoformat(doc["birth_date"])
    doc["relation"] = Relation(doc["relation"])
    doc["work_capacity"] = WorkCapacity(doc["work_capacity"])
    return Member(**_known(Member, doc))


def id_hashes(h: Household, cipher: Cipher) -> list[str]:
    return [cipher.lookup_hash(m.id_number) for m in h.members if m.id_number]


def staff_to_doc(user: StaffUser, cipher: Cipher) -> dict:
    return {**asdict(user), "phone": _enc(cipher, user.phone)}


def staff_from_doc(doc: dict, cipher: Cipher) -> StaffUser:
    department = doc.get("department")  # accounts from before department codes said "民政局"
    return StaffUser(
        **{
            **_known(StaffUser, doc),
            "role": Role(doc["role"]),
            "phone": _dec(cipher, doc.get("phone")),
            "department": department if department in DEPARTMENTS else department_in(department),
        }
    )


def aid_to_doc(record: AidRecord) -> dict:
    return {**asdict(record), "paid_on": record.paid_on.isoformat()}


def aid_from_doc(doc: dict) -> AidRecord:
    return AidRecord(**{**_known(AidRecord, doc), "paid_on": date.fromisoformat(doc["paid_on"])})


def audit_to_doc(event: AuditEvent) -> dict:
    return {**asdict(event), "at": event.at.isoformat()}


def audit_from_doc(doc: dict, **keys) -> AuditEvent:
    """`keys`: what the stored keys say (chain, seq, object), which win over the document: the
    keys are what queries use, so a changed key must show as a broken MAC, not go unseen."""
    return AuditEvent(**{**_known(AuditEvent, doc), "at": datetime.fromisoformat(doc["at"]), **keys})


def anchor_to_doc(anchor: Anchor) -> dict:
    return {**asdict(anchor), "at": anchor.at.isoformat()}


def anchor_from_doc(doc: dict) -> Anchor:
    return Anchor(**{**_known(Anchor, doc), "at": datetime.fromisoformat(doc["at"])})


def _known(cls, doc: dict) -> dict:
    """Ignore fields a newer schema wrote, so an older reader still loads the record."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in doc.items() if k in names}


# --- Disbursement (issue 7) ---


def slip_to_doc(slip: Slip, cipher: Cipher) -> dict:
    doc = {
        **asdict(slip),
        "due_on": slip.due_on.isoformat(),
        "paid_on": slip.paid_on.isoformat() if slip.paid_on else None,
    }
    for attempt in doc["attempts"]:  # each account the slip was sent to, encrypted like the household's
        attempt["payee"]["account_number"] = _enc(cipher, attempt["payee"]["account_number"])
    return doc


def slip_from_doc(doc: dict, cipher: Cipher) -> Slip:
    attempts = [
        Attempt(
            **{
                **_known(Attempt, a),
                "payee": Payee(
                    **{**_known(Payee, a["payee"]), "account_number": _dec(cipher, a["payee"]["account_number"])}
                ),
            }
        )
        for a in doc.get("attempts") or []
    ]
    return Slip(
        **{
            **_known(Slip, doc),
            "status": SlipStatus(doc["status"]),
            "attempts": attempts,
            "due_on": date.fromisoformat(doc["due_on"]),
            "paid_on": date.fromisoformat(doc["paid_on"]) if doc.get("paid_on") else None,
        }
    )


def batch_to_doc(batch: Batch) -> dict:
    doc = asdict(batch)
    doc["created_at"] = batch.created_at.isoformat()
    for line in doc["lines"]:
        line["paid_on"] = line["paid_on"].isoformat() if line["paid_on"] else None
    return doc


def batch_from_doc(doc: dict) -> Batch:
    lines = [
        BatchLine(
            **{
                **_known(BatchLine, line),
                "paid_on": date.fromisoformat(line["paid_on"]) if line.get("paid_on") else None,
            }
        )
        for line in doc["lines"]
    ]
    return Batch(
        **{
            **_known(Batch, doc),
            "created_at": datetime.fromisoformat(doc["created_at"]),
            "lines": lines,
            "state": BatchState(doc.get("state") or BatchState.EXPORTED),
        }
    )


def notice_to_doc(record: NoticeRecord) -> dict:
    return {**asdict(record), "at": record.at.isoformat()}


def notice_from_doc(doc: dict) -> NoticeRecord:
    return NoticeRecord(**{**_known(NoticeRecord, doc), "at": datetime.fromisoformat(doc["at"])})


# --- Applications and complaints (issue 6) ---


def _iso(value):
    """Dates and datetimes inside nested dataclass dicts -> ISO text, recursively."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def application_to_doc(a: Application) -> dict:
    return _iso(asdict(a))


def application_from_doc(doc: dict) -> Application:
    items = [
        RequestedItem(**{**_known(RequestedItem, i), "decided_at": _dt(i.get("decided_at"))}) for i in doc["items"]
    ]
    history = [Step(**{**_known(Step, s), "stage": Stage(s["stage"]), "at": _dt(s["at"])}) for s in doc["history"]]
    assistant = doc.get("assistant") and Assistant(
        **{
            **_known(Assistant, doc["assistant"]),
            "signed_on": _day(doc["assistant"]["signed_on"]),
            "revoked_at": _dt(doc["assistant"].get("revoked_at")),
        }
    )
    green = doc.get("green") and GreenChannel(
        **{
            **_known(GreenChannel, doc["green"]),
            "granted_at": _dt(doc["green"]["granted_at"]),
            "paperwork_due": _day(doc["green"]["paperwork_due"]),
            "completed_at": _dt(doc["green"].get("completed_at")),
        }
    )
    back = doc.get("correction_return")
    return Application(
        **{
            **_known(Application, doc),
            "items": items,
            "history": history,
            "assistant": assistant or None,
            "green": green or None,
            "stage": Stage(doc["stage"]),
            "submitted_at": _dt(doc["submitted_at"]),
            "stage_due": _day(doc.get("stage_due")),
            "correction_return": Stage(back) if back else None,
        }
    )


def complaint_to_doc(c: Complaint, cipher: Cipher) -> dict:
    return {**_iso(asdict(c)), "contact": _enc(cipher, c.contact)}


def complaint_from_doc(doc: dict, cipher: Cipher) -> Complaint:
    history = [ComplaintStep(**{**_known(ComplaintStep, s), "at": _dt(s["at"])}) for s in doc.get("history", [])]
    return Complaint(
        **{
            **_known(Complaint, doc),
            "created_at": _dt(doc["created_at"]),
            "contact": _dec(cipher, doc.get("contact")),
            "status": ComplaintStatus(doc.get("status", ComplaintStatus.FILED)),
            "due_on": _day(doc.get("due_on")),
            "answered_at": _dt(doc.get("answered_at")),
            "history": history,
        }
    )
