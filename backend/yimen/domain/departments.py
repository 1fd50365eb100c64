"""The county departments that approve aid items (协同办理). A catalogue item names the one whose approvers
decide it (`approver:` in its YAML); an approver's account names hers. Short names are the stable codes."""

DEPARTMENTS: dict[str, str] = {
    "民政": "县民政局",
    "教育": "县教育局",
    "医保": "县医疗保障局",
    "住建": "县住房和城乡建设局",
    "残联": "县残疾人联合会",
    "人社": "县人力资源和社会保障局",
    "应急": "县应急管理局",
    "财政": "县财政局",
}


def department_name(code: str | None) -> str:
    return DEPARTMENTS.get(code or "", code or "")


def department_in(text: str | None) -> str | None:
    """The department a free text names first ("县民政局、县残联" -> 民政): reads accounts and applications
    stored before departments had codes."""
    found = [(text.find(code), code) for code in DEPARTMENTS if text and code in text]
    return min(found)[1] if found else None
