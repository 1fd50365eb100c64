"""`yimen bank export|import|report` on the same data directory the services use."""

from datetime import date

from click.testing import CliRunner

from tests.notices.sim import add_household
from yimen.entrypoints.cli.main import main
from yimen.services.funds.slips import create_slips


def test_bank_round_trip_from_the_command_line(seeded, config, tmp_path):
    households = [add_household(seeded, 80 + n) for n in range(2)]
    with seeded.uow() as uow:
        slips = [
            create_slips(
                uow,
                application_id=f"cli-{n}",
                household_id=h.id,
                item_code="linshi",
                item_name="临时救助",
                department="民政局",
                amount_fen=12345,
                monthly=False,
                months=1,
                start=date(2026, 11, 25),
            )[0]
            for n, h in enumerate(households)
        ]
    auth, service = seeded.auth, seeded.disbursement
    service.act(auth.staff_actor("centre"), "review", [s.id for s in slips])
    service.act(auth.staff_actor("finance"), "approve", [s.id for s in slips])
    data_dir, runner = str(config.data_dir), CliRunner()
    payment = tmp_path / "batch.csv"

    refused = runner.invoke(main, ["bank", "export", "--out", str(payment), "--user", "centre", "--data-dir", data_dir])
    assert refused.exit_code == 1 and "此操作需要财政岗位" in refused.output
    done = runner.invoke(main, ["bank", "export", "--out", str(payment), "--user", "finance", "--data-dir", data_dir])
    assert done.exit_code == 0, done.output
    assert "2 笔，合计 246.90 元" in done.output
    lines = payment.read_text(encoding="utf-8-sig").splitlines()
    batch_id = lines[1].split(",")[0]

    result = tmp_path / "result.csv"
    result.write_text(
        "batch_id,line_id,amount_fen,result,reason,paid_on\n"
        f"{batch_id},00001,12345,成功,,2026-11-26\n{batch_id},00002,12345,失败,卡已挂失,\n",
        encoding="utf-8",
    )
    args = ["bank", "import", str(result), "--user", "finance", "--data-dir", data_dir]
    assert "成功 1 笔，失败 1 笔" in runner.invoke(main, args).output
    assert "已导入过，未作任何改动" in runner.invoke(main, args).output
    report = runner.invoke(main, ["bank", "report", batch_id, "--user", "finance", "--data-dir", data_dir]).output
    assert "导出：2 笔，246.90 元" in report and "成功：1 笔，123.45 元" in report and "失败：1 笔，123.45 元" in report
    assert "对账结果：平衡（导出 = 成功 + 失败）" in report
    assert "00002 测***** 临时救助 123.45 元 失败：卡已挂失" in report
