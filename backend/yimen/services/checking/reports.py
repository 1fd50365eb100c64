"""核对 and the duplicate-aid check: the economic-status report from the household file and imported
department data, and the advice the approver sees (重复救助 warnings, 多元化救助 proposals)."""

from __future__ import annotations

from datetime import date

from yimen.domain import eligibility
from yimen.domain.masking import mask_bank_card, mask_name
from yimen.domain.model import Household
from yimen.domain.policy import catalogue
from yimen.domain.workflow import GRANT, Application, Stage
from yimen.ports import UnitOfWork
from yimen.services.checking import dept_data


def current_aid_codes(uow: UnitOfWork, household: Household, exclude: str | None = None) -> list[str]:
    """Aid the household receives: imported or paid records, and items granted in its other applications."""
    codes = {r.item_code for r in uow.aid_records.list_for_household(household.id)}
    for other in uow.applications.list_for_household(household.id):
        if other.id != exclude and other.stage != Stage.WITHDRAWN:
            codes |= {i.code for i in other.items if i.decision == GRANT}
    return sorted(codes)


def _profile(household: Household, current: list[str], today: date, findings: dict | None = None):
    profile = eligibility.profile_from_household(household, current, today)
    if findings:  # department data overrides what the applicant declared, where it knows more
        cars = sum((f.get("车辆") or {}).get("vehicles", 0) for f in findings.values())
        profile.vehicles = max(profile.vehicles or 0, cars)
        for member, person in zip(household.members, profile.members, strict=True):
            pension = (findings[member.id].get("社保") or {}).get("pension_fen", 0)
            if pension and person.income_fen is not None:
                person.income_fen["养老金（社保核对）"] = pension
    return profile


def advice(
    app: Application, household: Household, current: list[str], today: date, findings: dict | None = None
) -> dict:
    """重复救助 warnings and 多元化救助 proposals, from the catalogue's combination rules and the hints."""
    cat = catalogue()
    hints = {h.item.code: h for h in eligibility.hints(_profile(household, current, today, findings), cat)}
    requested = [i.code for i in app.items]
    duplicates = [
        {"item": i.name, "with": cat.items[c].name, "reason": reason}
        for i in app.items
        for c in current
        if c != i.code and (reason := cat.conflicts(i.code, c))
    ]
    duplicates += [
        {"item": cat.items[a].name, "with": cat.items[b].name, "reason": reason}
        for n, a in enumerate(requested)
        for b in requested[n + 1 :]
        if (reason := cat.conflicts(a, b))
    ]
    already = [cat.items[c].name for c in current if c in requested and c in cat.items]
    proposals = [
        {"code": h.item.code, "name": h.item.name, "summary": h.summary()}
        for h in hints.values()
        if h.status == eligibility.LIKELY and not h.receiving and h.item.code not in requested
    ]
    rules = {code: [r.to_dict() for r in hints[code].rules] for code in requested if code in hints}
    return {
        "duplicates": duplicates,
        "already_receiving": already,
        "proposals": proposals,
        "rules": rules,
        "status": {code: eligibility.STATUS_WORDS[hints[code].status] for code in requested if code in hints},
    }


def check_report(uow: UnitOfWork, cipher, app: Application, household: Household, now) -> dict:
    """家庭经济状况核对报告: the household file, what each department's data says, and the rule results."""
    findings = {m.id: dept_data.findings_for(uow, cipher, m.id_number) for m in household.members}
    members, flags = [], []
    for m in household.members:
        found = findings[m.id]
        members.append(
            {
                "name": mask_name(m.name),
                "relation": m.relation.value,
                "sources": {s: dept_data.describe(s, f) for s, f in found.items()},
            }
        )
        flags += _flags(mask_name(m.name), found)
    cars = sum((f.get("车辆") or {}).get("vehicles", 0) for f in findings.values())
    if cars > household.vehicles:
        flags.append(f"车管数据显示家庭有机动车 {cars} 辆，申报为 {household.vehicles} 辆")
    current = current_aid_codes(uow, household, exclude=app.id)
    found_any = sorted({s for f in findings.values() for s, v in f.items() if v})
    records = uow.aid_records.list_for_household(household.id)
    return {
        "generated_at": now.isoformat(),
        "household": {
            "size": len(household.members),
            "income_pc_fen": household.monthly_income_per_capita_fen(),
            "assets_fen": household.assets_fen,
            "vehicles": household.vehicles,
            "houses": household.houses,
            "medical_costs_fen": household.medical_costs_fen,
            "education_costs_fen": household.education_costs_fen,
            "housing": household.housing or "未填",
            "bank_card": mask_bank_card(household.bank_card),
        },
        "members": members,
        "sources_used": [file_summary(household)]
        + ([f"救助记录（{len(records)} 条）"] if records else [])
        + [f"{s}（部门数据）" for s in found_any],
        "sources_with_records": found_any,
        "flags": flags,
        "advice": advice(app, household, current, now.date(), findings),
    }


def file_summary(household: Household) -> str:
    """Which parts of the household file the report read, e.g. 家庭档案（3 人；收入 2 项；住房、存款、医疗支出）."""
    incomes = sum(len(m.monthly_income_fen) for m in household.members)
    filled = [
        word
        for word, known in (
            ("健康", any(m.health for m in household.members)),
            ("住房", household.housing),
            ("房产", household.houses is not None),
            ("存款", household.assets_fen),
            ("医疗支出", household.medical_costs_fen is not None),
            ("教育支出", household.education_costs_fen is not None),
        )
        if known
    ]
    parts = [f"{len(household.members)} 人", f"收入 {incomes} 项"] + (["、".join(filled)] if filled else [])
    return f"家庭档案（{'；'.join(parts)}）"


def _flags(who: str, found: dict) -> list[str]:
    flags = []
    if (found.get("房产") or {}).get("properties", 0) > 1:
        flags.append(f"{who}名下房产 {found['房产']['properties']} 套")
    if (found.get("工商") or {}).get("businesses", 0) > 0:
        flags.append(f"{who}登记有市场主体 {found['工商']['businesses']} 户")
    if (found.get("公积金") or {}).get("deposit_fen", 0) > 0:
        flags.append(f"{who}正在缴存公积金（可能有未申报的工资收入）")
    return flags
