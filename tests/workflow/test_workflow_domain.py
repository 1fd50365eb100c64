"""The pure state machine: phrases per stage, reasons, per-item approval, withdrawal and green-channel rules."""

from datetime import date, datetime

import pytest

from yimen.domain.errors import Conflict, ValidationError
from yimen.domain.workflow import Application, RequestedItem, Stage

AT = datetime(2026, 11, 25, 10, 0)


def _app(*codes: str) -> Application:
    app = Application(
        household_id="h",
        village_code="990101001001",
        applicant_openid="o",
        items=[RequestedItem(c, c, "县民政局") for c in codes or ("dibao",)],
        submitted_at=AT,
    )
    app.start(AT, "citizen:o")
    return app


def _to_approval(app: Application) -> None:
    app.decide("同意受理", at=AT, actor="staff:w", actor_name="窗口")
    app.check_report = {"flags": []}
    app.decide("核对完成", at=AT, actor="staff:c", actor_name="核对")
    app.decide("同意转审批", at=AT, actor="staff:s", actor_name="督办")


def test_phrases_belong_to_their_stage_and_negative_ones_need_a_reason():
    app = _app()
    with pytest.raises(Conflict, match="不适用于当前环节"):
        app.decide("同意救助", at=AT, actor="staff:w", actor_name="")
    with pytest.raises(ValidationError, match="必须填写理由"):
        app.decide("不同意受理", at=AT, actor="staff:w", actor_name="", reason="  ")
    assert app.decide("不同意受理", at=AT, actor="staff:w", actor_name="", reason="非本县户籍") == Stage.REJECTED
    assert not app.open and app.due_on is None
    with pytest.raises(Conflict):
        app.withdraw(AT, "citizen:o")


def test_each_item_is_decided_on_its_own_and_the_last_moves_to_filing():
    app = _app("dibao", "yiliao")
    _to_approval(app)
    with pytest.raises(ValidationError, match="救助金额"):
        app.decide_item("dibao", "同意救助", at=AT, actor="staff:a", actor_name="")
    app.decide_item(
        "dibao", "同意救助", at=AT, actor="staff:a", actor_name="", amount_fen=50000, monthly=True, months=6
    )
    assert app.stage == Stage.APPROVAL
    with pytest.raises(Conflict, match="已审批"):
        app.decide_item("dibao", "不同意救助", at=AT, actor="staff:a", actor_name="", reason="x")
    with pytest.raises(Conflict, match="不能撤回"):  # aid already granted
        app.withdraw(AT, "citizen:o")
    app.decide_item("yiliao", "不同意救助", at=AT, actor="staff:a", actor_name="", reason="无自付医疗费用")
    assert app.stage == Stage.FILING and app.stage_due == date(2026, 11, 27)
    assert [(i.decision, i.amount_fen, i.months) for i in app.items] == [
        ("同意救助", 50000, 6),
        ("不同意救助", None, 1),
    ]


def test_correction_returns_to_the_stage_that_asked():
    app = _app()
    app.decide("同意受理", at=AT, actor="staff:w", actor_name="")
    app.check_report = {}
    app.decide("核对完成", at=AT, actor="staff:c", actor_name="")
    app.decide("退回补正", at=AT, actor="staff:s", actor_name="", reason="缺残疾人证")
    assert app.stage == Stage.CORRECTION and app.due_on is None  # waiting on the applicant, not on staff
    app.resubmit(AT, "citizen:o", "已补交")
    assert app.stage == Stage.SUPERVISION
    with pytest.raises(Conflict):
        app.resubmit(AT, "citizen:o")


def test_green_channel_once_before_acceptance_and_its_own_deadline():
    app = _app("linshi-jinan")
    green = app.grant_green_channel(
        at=AT, actor="staff:w", actor_name="", item_code="linshi-jinan", amount_fen=100000, reason="火灾"
    )
    assert green.paperwork_due == date(2026, 12, 9) and green.pending
    with pytest.raises(Conflict):
        app.grant_green_channel(
            at=AT, actor="staff:w", actor_name="", item_code="linshi-jinan", amount_fen=1, reason="again"
        )
    app.decide("退回补正", at=AT, actor="staff:w", actor_name="", reason="补交材料")
    assert app.due_on == date(2026, 12, 9)  # the paperwork limit keeps running while the applicant corrects
    late = _app()
    late.decide("同意受理", at=AT, actor="staff:w", actor_name="")
    with pytest.raises(Conflict, match="尚未受理"):
        late.grant_green_channel(at=AT, actor="staff:w", actor_name="", item_code="dibao", amount_fen=1, reason="x")
