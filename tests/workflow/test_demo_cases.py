"""`yimen demo-cases`: one case per stage through the real service, once."""

from collections import Counter

from yimen.entrypoints.cli.demo import demo_cases


def test_demo_cases_cover_the_stages_once(seeded, staff_client):
    assert demo_cases(seeded) == 6
    assert demo_cases(seeded) == 0
    with seeded.uow() as uow:
        apps = uow.applications.list_in_area("990101", None, limit=50).items
    assert Counter(a.stage.value for a in apps) == {"受理": 2, "核对": 1, "审批": 1, "补正": 1, "已办结": 1}
    assert sum(bool(a.green and a.green.pending) for a in apps) == 1
    queue = staff_client("window1").get("/staff/cases/").get_data(as_text=True)
    assert queue.count('class="tag red"') == 1 and queue.count('class="tag yellow"') == 1
