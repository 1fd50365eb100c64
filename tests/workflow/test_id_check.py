"""The clerk's ID-photo check on the case page: the real OCR engine reads a synthetic card and compares it
with the household file; the result is kept on the application and audited."""

import base64
import io
import random

from tests.ocr import cardgen
from tests.workflow.helpers import act, application_body, case_page, submit


def _card(person) -> str:
    buffer = io.BytesIO()
    rng = random.Random(11)
    cardgen.to_rgb(cardgen.on_table(cardgen.draw_front(person, rng), rng)).save(buffer, "JPEG", quality=92)
    return base64.b64encode(buffer.getvalue()).decode()


def test_id_photo_checked_against_the_file_and_kept(client, citizen_headers, staff_client, seeded):
    person = cardgen.make_person(random.Random(7))
    body = application_body(head_name=person.name, head_id=person.id_number)
    body["materials"]["id_photo"] = _card(person)
    good = submit(client, citizen_headers, body, key="idcheck-good").get_json()["id"]
    other = application_body(head_name="另一人", head_id="990101194001010016")
    other["household"]["members"] = other["household"]["members"][:1]  # the spouse is filed in the first
    other["materials"]["id_photo"] = _card(person)  # someone else's card for this household
    bad = submit(client, citizen_headers, other, key="idcheck-bad").get_json()["id"]

    window = staff_client("window1")
    for app_id in (good, bad):
        response = act(window, app_id, "id-check", {})
        assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    assert "姓名、号码与户档案一致，未发现问题" in case_page(window, good)
    page = case_page(window, bad)
    assert "填写的姓名与身份证照片上的姓名不一致" in page and "填写的身份证号码与照片上的号码不一致" in page
    with seeded.uow() as uow:
        kept = uow.applications.get(bad)
        actions = [e.action for e in uow.audit.for_object("application", bad)]
    assert kept.id_check["warnings"] and "id_check" in actions
    assert person.id_number not in str(kept.id_check)
    assert act(staff_client("checking"), good, "id-check", {}).status_code == 403
    small = application_body(head_name="小图户", head_id="990101194001010024")
    small["household"]["members"] = small["household"]["members"][:1]
    tiny = submit(client, citizen_headers, small, key="idcheck-tiny").get_json()["id"]
    assert act(window, tiny, "id-check", {}).status_code == 303  # an unreadable photo is kept as a finding
    assert "照片太小，看不清字" in case_page(window, tiny)


def test_every_submitted_photo_is_checked_by_the_ocr_job(client, citizen_headers, staff_client, seeded):
    from yimen.services.applications.consequences import OCR_JOB

    person = cardgen.make_person(random.Random(8))
    body = application_body(head_name=person.name, head_id=person.id_number)
    body["materials"]["id_photo"] = _card(person)
    app_id = submit(client, citizen_headers, body, key="idcheck-job").get_json()["id"]
    submit(client, citizen_headers, body, key="idcheck-job")  # a retried submit queues nothing more
    with seeded.uow() as uow:
        assert uow.job_leases.counts(OCR_JOB) == {"pending": 1}
        assert uow.applications.get(app_id).id_check is None  # the request itself never ran the model

    assert seeded.id_checks.run_jobs(seeded.ocr) == 1
    assert seeded.id_checks.run_jobs(seeded.ocr) == 0
    with seeded.uow() as uow:
        kept = uow.applications.get(app_id)
        assert uow.job_leases.counts(OCR_JOB) == {"done": 1}
    assert kept.id_check["by"] == "系统" and kept.id_check["warnings"] == []
    assert "姓名、号码与户档案一致，未发现问题" in case_page(staff_client("window1"), app_id)
