"""Domain objects <-> JSON documents, shared by every record adapter.

Personal data (ID number, phone, bank card) leaves this module only encrypted; the keyed lookup
hashes travel beside the document so adapters can index them without ever seeing plaintext."""

from dataclasses import asdict, fields
from datetime import date, datetime

from ..domain.model import AidRecord, AuditEvent, Household, Member, Relation, Role, StaffUser, WorkCapacity
from ..ports import Cipher

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
    return doc


def household_from_doc(doc: dict, cipher: Cipher) -> Household:
    doc = dict(doc)
    for name in HOUSEHOLD_SECRETS:
        doc[name] = _dec(cipher, doc.get(name))
    doc["members"] = [_member_from_doc(m, cipher) for m in doc["members"]]
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


def staff_to_doc(user: StaffUser) -> dict:
    return asdict(user)


def staff_from_doc(doc: dict) -> StaffUser:
    return StaffUser(**{**_known(StaffUser, doc), "role": Role(doc["role"])})


def aid_to_doc(record: AidRecord) -> dict:
    return {**asdict(record), "paid_on": record.paid_on.isoformat()}


def aid_from_doc(doc: dict) -> AidRecord:
    return AidRecord(**{**_known(AidRecord, doc), "paid_on": date.fromisoformat(doc["paid_on"])})


def audit_to_doc(event: AuditEvent) -> dict:
    return {**asdict(event), "at": event.at.isoformat()}


def audit_from_doc(doc: dict) -> AuditEvent:
    return AuditEvent(**{**_known(AuditEvent, doc), "at": datetime.fromisoformat(doc["at"])})


def _known(cls, doc: dict) -> dict:
    """Ignore fields a newer schema wrote, so an older reader still loads the record."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in doc.items() if k in names}
