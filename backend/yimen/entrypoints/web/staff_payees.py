"""Staff console for payee accounts: the window (or the centre) enters or corrects a household's account
on its page, with a reason; the 救助中心 sees the "缺少收款账户" list; every slip shows its payment history."""

from flask import Blueprint, g, redirect, render_template, request, url_for

from yimen.domain.errors import YimenError
from yimen.domain.model import Household
from yimen.entrypoints.web import staff, staff_household
from yimen.entrypoints.web.common import api_doc, services
from yimen.services.funds.payees import payee_view

bp = Blueprint("staff_payees", __name__, url_prefix="/staff")
bp.before_request(staff._csrf)


def _doc(summary: str):
    return api_doc(summary, auth="staff", tags=("staff-console",))


@bp.app_template_global()
def payee_panel(h: Household) -> dict:
    """What staff/_payee_panel.html shows on the household page: the masked account, the bank list,
    whether this clerk may change it, and the outcome of the last try (kept in g on a refused form)."""
    return {
        "view": payee_view(h),
        "banks": services().payees.banks(),
        "error": g.get("payee_error"),
        "form": g.get("payee_form") or {},
        "message": request.args.get("payee_message"),
    }


@bp.post("/households/<household_id>/payee")
@_doc("登记或更正本户收款账户（须写明原因；留痕并通知该户）")
@staff.staff_page
def set_payee(household_id: str):
    form = request.form
    try:
        checked = services().payees.set_payee(
            g.actor,
            household_id,
            form.get("bank", ""),
            form.get("account_number", ""),
            form.get("holder_name", ""),
            form.get("reason", ""),
        )
    except YimenError as exc:
        g.payee_error, g.payee_form = exc.message, form  # the page again, with what was typed kept
        return staff_household._page(household_id, status=exc.status)
    said = f"收款账户已保存：{checked.payee.bank_name} {checked.payee.masked}，已通知该户。"
    said += "".join(f" 提醒：{words}" for _, words in checked.warnings)
    return redirect(url_for("staff_household.household", household_id=household_id, payee_message=said) + "#payee", 303)


@bp.get("/funds/payees/missing")
@_doc("缺少收款账户：有待发拨付单但没有可用收款账户的户，以及怎么办")
@staff.staff_page
def missing():
    return render_template(
        "staff/payees_missing.html", actor=g.actor, missing=services().payees.missing_payees(g.actor)
    )


@bp.get("/funds/slips/<slip_id>")
@_doc("拨付单的代发记录：每次代发的批次、收款账户（脱敏）和结果")
@staff.staff_page
def slip(slip_id: str):
    return render_template(
        "staff/slip.html", actor=g.actor, history=services().disbursement.slip_history(g.actor, slip_id)
    )
