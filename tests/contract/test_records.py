"""Households, staff, aid records, key-value, audit chain, units of work: same behaviour on both backends."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from yimen.domain.audit import chain_for
from yimen.domain.errors import Conflict, RateLimited
from yimen.domain.model import AidRecord, AuditEvent, Household, Member, Relation, Role, StaffUser
from yimen.services.rate_limits import RateLimiter

AT = datetime(2026, 11, 25, 10, 0)


def household(village="511721101001", id_numbers=("511721195001011234",), owner=None, **extra) -> Household:
    members = [
        Member(
            name=f"测试{n}",
            id_number=number,
            relation=Relation.HEAD if n == 0 else Relation.CHILD,
            birth_date=date(1950, 1, 1),
            gender="男",
        )
        for n, number in enumerate(id_numbers)
    ]
    return Household(village_code=village, address="示范村1组", members=members, owner_openid=owner, **extra)


def test_household_round_trip_keeps_every_field(backend):
    h = household(phone="13800001111", bank_card="6222020200001234567", bank_name="农业银行", assets_fen=120000)
    with backend.uow() as uow:
        uow.households.add(h)
    with backend.uow() as uow:
        loaded = uow.households.get(h.id)
    assert loaded == h
    assert loaded.members[0].birth_date == date(1950, 1, 1)
    assert loaded.phone == "13800001111"


def test_household_file_fields_round_trip(backend):
    """一户一档: health, property and the expenses that count, including "not recorded" (None) and 0 apart."""
    h = household(
        id_numbers=("511721195001011234", "511721201001011238"),
        houses=0,
        vehicles=1,
        medical_costs_fen=860000,
        education_costs_fen=None,
        housing="危房",
    )
    h.members[0].health, h.members[0].monthly_income_fen = "大病", {"养老金": 15000, "务农": 2000}
    h.members[1].school, h.members[1].disability_type, h.members[1].disability_grade = "小学", "肢体", 2
    with backend.uow() as uow:
        uow.households.add(h)
    with backend.uow() as uow:
        loaded = uow.households.get(h.id)
    assert loaded == h
    assert (loaded.houses, loaded.education_costs_fen, loaded.members[0].health) == (0, None, "大病")


def test_personal_data_is_encrypted_at_rest(backend):
    with backend.uow() as uow:
        uow.households.add(
            household(id_numbers=("511721195001011234",), phone="13800001111", bank_card="6222020200001234567")
        )
    stored = backend.stored_text()
    assert "示范村1组" in stored  # the check can see the stored documents at all
    for secret in ("511721195001011234", "13800001111", "6222020200001234567"):
        assert secret not in stored


def test_stale_version_is_refused_and_nothing_changes(backend):
    h = household()
    with backend.uow() as uow:
        uow.households.add(h)
    with backend.uow() as uow:
        first, second = uow.households.get(h.id), uow.households.get(h.id)
    first.address = "新地址"
    with backend.uow() as uow:
        uow.households.update(first)
    assert first.version == 1
    second.address = "另一个地址"
    with pytest.raises(Conflict) as caught, backend.uow() as uow:
        uow.households.update(second)
    assert caught.value.code == "STALE_VERSION"
    with backend.uow() as uow:
        assert uow.households.get(h.id).address == "新地址"


def test_find_by_id_number_follows_member_changes(backend):
    h = household(id_numbers=("511721195001011234", "511721198001011111"))
    with backend.uow() as uow:
        uow.households.add(h)
    h.members.pop()
    h.members.append(
        Member(
            name="新成员",
            id_number="511721200501012222",
            relation=Relation.CHILD,
            birth_date=date(2005, 1, 1),
            gender="女",
        )
    )
    with backend.uow() as uow:
        uow.households.update(h)
    with backend.uow() as uow:
        assert uow.households.find_by_id_number("511721198001011111") is None
        assert uow.households.find_by_id_number("511721200501012222").id == h.id
        assert uow.households.find_by_id_number("511721195001011234").id == h.id


def test_an_id_number_belongs_to_one_household(backend):
    with backend.uow() as uow:
        uow.households.add(household(id_numbers=("511721195001011234",)))
    with pytest.raises(Conflict) as caught, backend.uow() as uow:
        uow.households.add(household(id_numbers=("511721195001011234",)))
    assert caught.value.code == "ID_NUMBER_TAKEN"


def test_find_by_owner(backend):
    mine = [household(owner="openid-a", id_numbers=(f"51172119500101{n:04d}",)) for n in range(2)]
    with backend.uow() as uow:
        for h in [*mine, household(owner="openid-b", id_numbers=("511721195001019999",))]:
            uow.households.add(h)
    with backend.uow() as uow:
        assert sorted(h.id for h in uow.households.find_by_owner("openid-a")) == sorted(h.id for h in mine)
        assert uow.households.find_by_owner("openid-c") == []


def test_list_in_area_pages_through_exactly_the_area(backend):
    villages = ["511721101001", "511721101002", "511721102001"]
    added = [household(village=villages[n % 3], id_numbers=(f"51172119500101{n:04d}",)) for n in range(8)]
    with backend.uow() as uow:
        for h in added:
            uow.households.add(h)
    seen, cursor, pages = [], None, 0
    while True:
        with backend.uow() as uow:
            page = uow.households.list_in_area("511721101", limit=2, cursor=cursor)
        seen += [(h.village_code, h.id) for h in page.items]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    expected = sorted((h.village_code, h.id) for h in added if h.village_code.startswith("511721101"))
    assert seen == expected and len(expected) == 6
    assert pages == 3
    with backend.uow() as uow:
        assert len(list(uow.households.iter_in_area(""))) == 8


def test_a_failed_unit_of_work_writes_nothing(backend):
    h = household()
    with pytest.raises(RuntimeError), backend.uow() as uow:
        uow.households.add(h)
        uow.kv.put("ns", "k", {"v": 1})
        uow.audit.append(AuditEvent(actor="system", object_type="household", object_id=h.id, action="x", at=AT))
        raise RuntimeError("boom")
    with backend.uow() as uow:
        assert uow.households.get(h.id) is None
        assert uow.kv.get("ns", "k") is None
        assert list(uow.audit.iter_all()) == []


def test_a_unit_of_work_reads_its_own_writes(backend):
    h = household()
    with backend.uow() as uow:
        uow.households.add(h)
        assert uow.households.get(h.id).address == "示范村1组"
        assert uow.kv.put_if_absent("ns", "k", {"v": 1}) is True
        assert uow.kv.put_if_absent("ns", "k", {"v": 2}) is False
        assert uow.kv.get("ns", "k") == {"v": 1}


def test_staff_accounts(backend):
    user = StaffUser("window1", "窗口一", Role.WINDOW, "511721101", "hash", None)
    with backend.uow() as uow:
        uow.staff.add(user)
        uow.staff.add(StaffUser("admin", "管理员", Role.ADMIN, "511721", "hash"))
    with pytest.raises(Conflict) as caught, backend.uow() as uow:
        uow.staff.add(StaffUser("window1", "重复", Role.WINDOW, "511721101", "hash"))
    assert caught.value.code == "USERNAME_TAKEN"
    with backend.uow() as uow:
        assert uow.staff.get_by_username("window1") == user
        assert uow.staff.get_by_username("nobody") is None
        assert [u.username for u in uow.staff.list_all()] == ["admin", "window1"]


def test_staff_update_is_versioned_and_the_phone_encrypted(backend):
    with backend.uow() as uow:
        uow.staff.add(
            StaffUser("approver2", "教育局 审批员", Role.APPROVER, "511721", "hash", "教育", phone="13912345678")
        )
    with backend.uow() as uow:
        first, second = uow.staff.get_by_username("approver2"), uow.staff.get_by_username("approver2")
        first.active, first.session_epoch = False, 1
        uow.staff.update(first)
        assert first.version == 1
    with pytest.raises(Conflict) as caught, backend.uow() as uow:
        uow.staff.update(second)  # read before the first write: stale
    assert caught.value.code == "STALE_VERSION"
    with backend.uow() as uow:
        stored = uow.staff.get_by_username("approver2")
    assert (stored.active, stored.session_epoch, stored.version, stored.phone) == (False, 1, 1, "13912345678")


def test_aid_records_are_unique_per_source_reference(backend):
    h = household()

    def record(ref, paid_on, item="dibao"):
        return AidRecord(
            household_id=h.id,
            item_code=item,
            item_name="最低生活保障",
            department="县民政局",
            measure="按月发放低保金",
            amount_fen=62000,
            paid_on=paid_on,
            source="import",
            source_ref=ref,
        )

    with backend.uow() as uow:
        uow.households.add(h)
        assert uow.aid_records.add(record("r2", date(2026, 10, 10))) is True
        assert uow.aid_records.add(record("r1", date(2026, 9, 10))) is True
    with backend.uow() as uow:
        assert uow.aid_records.add(record("r1", date(2026, 9, 10))) is False
    with backend.uow() as uow:
        found = uow.aid_records.list_for_household(h.id)
    assert [r.source_ref for r in found] == ["r1", "r2"]
    assert found[0].amount_fen == 62000 and found[0].paid_on == date(2026, 9, 10)


def test_key_value(backend):
    with backend.uow() as uow:
        assert uow.kv.put_if_absent("happiness_token", "tok", {"household_id": "h1"}) is True
    with backend.uow() as uow:
        assert uow.kv.put_if_absent("happiness_token", "tok", {"household_id": "h2"}) is False
        assert uow.kv.get("happiness_token", "tok") == {"household_id": "h1"}
        uow.kv.put("happiness_token", "tok", {"household_id": "h3", "note": "中文"})
    with backend.uow() as uow:
        assert uow.kv.get("happiness_token", "tok") == {"household_id": "h3", "note": "中文"}
        uow.kv.delete("happiness_token", "tok")
    with backend.uow() as uow:
        assert uow.kv.get("happiness_token", "tok") is None


def event(n: int, object_id="h1") -> AuditEvent:
    return AuditEvent(
        actor="staff:window1",
        object_type="household",
        object_id=object_id,
        action=f"edit{n}",
        at=AT,
        phrase="同意受理",
        reason="原因",
    )


def test_audit_chain_spans_units_of_work(backend):
    with backend.uow() as uow:
        first = uow.audit.append(event(1))
        uow.audit.append(event(2, "h2"))
    with backend.uow() as uow:
        third = uow.audit.append(event(3))
    assert chain_for("household", "h1") != chain_for("household", "h2")
    assert (first.chain, first.seq, third.chain, third.seq) == (chain_for("household", "h1"), 1, first.chain, 2)
    with backend.uow() as uow:
        events = list(uow.audit.iter_all())
        trail = uow.audit.for_object("household", "h1")
    assert [(e.chain, e.seq) for e in events] == sorted(
        [(first.chain, 1), (first.chain, 2), (chain_for("household", "h2"), 1)]
    )
    assert backend.services.sealer.first_broken(events) is None
    assert [e.action for e in trail] == ["edit1", "edit3"]
    assert trail[0] == first


def test_concurrent_appends_keep_one_unbroken_chain(backend):
    if backend.name == "aws":
        # moto's TransactWriteItems has no lock and restores a deep copy of the whole table when a
        # transaction is cancelled, so concurrent requests undo each other's committed writes (seen:
        # seq [1, 2, 3, 4] of 6, no error). DynamoDB serialises them; test_aws_only.py interleaves two
        # units of work step by step instead.
        pytest.skip("moto's server does not serialise concurrent transactions")
    errors = []

    def append(n):
        try:
            with backend.uow() as uow:
                uow.audit.append(event(n))
        except Exception as exc:  # collected: the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with backend.uow() as uow:
        chain = list(uow.audit.iter_all())
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert backend.services.sealer.first_broken(chain) is None


def test_counters_count_up_per_key_and_stay_apart_from_values(backend):
    now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    ends = now + timedelta(minutes=1)
    with backend.uow() as uow:
        assert [uow.kv.hit("rate", "ask:10.0.0.1:7", ends, now) for _ in range(3)] == [1, 2, 3]
    with backend.uow() as uow:
        assert uow.kv.hit("rate", "ask:10.0.0.2:7", ends, now) == 1
        assert uow.kv.hit("rate", "ask:10.0.0.1:7", ends, now) == 4
        assert uow.kv.get("rate", "ask:10.0.0.1:7") is None  # a counter is not a stored value
    later = ends + timedelta(minutes=1)
    with backend.uow() as uow:  # the next window's key starts afresh; the expired counter may be swept
        assert uow.kv.hit("rate", "ask:10.0.0.1:8", later, ends) == 1
        assert uow.kv.hit("rate", "ask:10.0.0.2:8", later, ends) == 1


def test_rate_limiter_counts_in_the_store_and_a_new_window_starts_at_one(backend):
    clock = backend.services.clock
    first, second = (
        RateLimiter(uow=backend.uow, clock=clock),
        RateLimiter(uow=backend.uow, clock=clock),
    )  # two processes
    first.check("lookup", "10.0.0.1", 3, 60)
    second.check("lookup", "10.0.0.1", 3, 60)
    first.check("lookup", "10.0.0.1", 3, 60)
    with pytest.raises(RateLimited) as caught:
        second.check("lookup", "10.0.0.1", 3, 60)
    assert (caught.value.code, caught.value.message) == ("RATE_LIMITED", "操作太频繁，请稍后再试")
    first.check("lookup", "10.0.0.2", 3, 60)  # another client has its own count
    first.check("other", "10.0.0.1", 3, 60)  # and so has another bucket
    clock.advance(seconds=60)
    for _ in range(3):
        second.check("lookup", "10.0.0.1", 3, 60)
    with pytest.raises(RateLimited):
        first.check("lookup", "10.0.0.1", 3, 60)
