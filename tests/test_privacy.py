"""Personal data: encrypted at rest, masked in output, absent from logs."""

import logging
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.net import free_port, wait_until_up
from yimen.domain.masking import mask_bank_card, mask_id_number, mask_name, mask_phone


def test_masking_helpers():
    assert mask_id_number("990101199001011234") == "9901**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_bank_card("6222021234567890123") == "6222 **** **** 0123"
    assert mask_name("王秀兰") == "王**"


def test_database_file_holds_no_plaintext_personal_data(seeded, config):
    with seeded.uow() as uow:
        households = list(uow.households.iter_in_area(""))
    raw = b"".join(p.read_bytes() for p in config.data_dir.glob("yimen.sqlite3*"))
    assert len(households) == 30
    for h in households:
        for m in h.members:
            assert len(m.id_number) == 18
            assert m.id_number.encode() not in raw
            assert m.id_number[6:14].encode() + m.id_number[14:].encode() not in raw
        assert h.phone.encode() not in raw and h.bank_card.encode() not in raw
    # and the data decrypts back: the test above would pass trivially if nothing were stored
    with seeded.uow() as uow:
        again = uow.households.find_by_id_number(households[0].members[0].id_number)
    assert again.id == households[0].id


def test_api_output_is_masked(staff_client, seeded):
    clerk = staff_client("centre")
    with seeded.uow() as uow:
        h = next(uow.households.iter_in_area(""))
    body = clerk.get(f"/api/v1/households/{h.id}").get_json()
    head = body["members"][0]
    assert head["id_number"] == h.members[0].id_number[:4] + "*" * 10 + h.members[0].id_number[-4:]
    assert head["name"].endswith("*") and head["name"][0] == h.members[0].name[0]
    assert body["phone"] == mask_phone(h.phone)
    page = clerk.get(f"/staff/households/{h.id}").get_data(as_text=True)
    assert h.members[0].id_number not in page and mask_id_number(h.members[0].id_number) in page
    assert h.phone not in page and h.bank_card not in page


def test_logs_never_contain_id_numbers(staff_client, seeded, caplog):
    caplog.set_level(logging.DEBUG)
    clerk = staff_client("centre")
    with seeded.uow() as uow:
        h = next(uow.households.iter_in_area(""))
    clerk.get(f"/api/v1/households/{h.id}")
    clerk.get("/api/v1/households?limit=200")
    assert caplog.records, "expected some log output to inspect"
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert all(m.id_number not in text for m in h.members)


def test_the_served_access_log_shows_route_patterns_not_paths(tmp_path):
    """`yimen serve` as a user runs it: a 幸福码 token in the path must not reach the log."""
    port = free_port()
    binary = Path(sys.executable).with_name("yimen")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(binary), "serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        token = "SecretToken_9901011950"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/h/{token}?from=990101195001011234", timeout=5)
        except urllib.error.HTTPError as exc:
            assert exc.code == 404
    finally:
        server.terminate()
        server.wait(timeout=10)
    text = log.read_text()
    assert "GET /h/<token> -> 404" in text, text
    assert token not in text and "990101195001011234" not in text
