"""Rate limits are shared through the store: two apps over one data directory stand for two processes
(or two Lambda instances over one table), and an enumerator gets the limit once, not once per app."""

import sqlite3

import pytest

from yimen.bootstrap import build_services
from yimen.entrypoints.web.app import create_app

LIMIT = 10  # @rate_limit("status-lookup", limit=10, per_seconds=60) on POST /api/v1/status-lookup
PROBER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def apps(config, clock):
    """Two app instances, each with its own services and database connection, over one data directory."""
    return [create_app(config, build_services(config, clock=clock)).test_client() for _ in range(2)]


def lookup(client, n: int, address: str = PROBER, **body):
    # a new ID number each time, as an enumerator would (so the per-number limit never trips first)
    body = {"id_number": f"990101194503{n:06d}", "name": "某某", **body}
    return client.post("/api/v1/status-lookup", json=body, environ_base={"REMOTE_ADDR": address})


def test_two_apps_share_one_limit_per_client_address(apps):
    codes = [lookup(apps[n % 2], n).status_code for n in range(LIMIT)]
    assert codes == [200] * LIMIT
    refused = lookup(apps[LIMIT % 2], LIMIT)
    assert refused.status_code == 429
    assert refused.get_json()["error"] == {"code": "RATE_LIMITED", "message": "操作太频繁，请稍后再试"}
    assert lookup(apps[0], LIMIT + 1).status_code == 429  # the other app refuses too
    assert lookup(apps[1], LIMIT + 2, address=NEIGHBOUR).status_code == 200  # another address: its own count


def test_refused_and_failed_requests_count_too(apps):
    codes = [lookup(apps[n % 2], n, name=None).status_code for n in range(LIMIT)]  # 400: name missing
    assert codes == [400] * LIMIT
    assert lookup(apps[0], LIMIT).status_code == 429


def test_a_new_window_starts_a_new_count_and_sweeps_expired_ones(apps, clock, config):
    for n in range(LIMIT):
        lookup(apps[n % 2], n)
    assert lookup(apps[0], LIMIT).status_code == 429
    clock.advance(seconds=3600)  # past the per-ID-number window too
    assert lookup(apps[1], LIMIT + 1).status_code == 200
    window = int(clock.now().timestamp() // 60)
    with sqlite3.connect(config.database) as conn:
        keys = [key for (key,) in conn.execute("SELECT key FROM kv_counters WHERE key LIKE 'status-lookup:%'")]
    assert keys == [f"status-lookup:{PROBER}:{window}"]  # the expired windows' counters are gone


def test_stored_counter_keys_hold_no_id_number(apps, config):
    numbers = [f"990101194503{n:06d}" for n in range(3)]
    for n in range(3):
        lookup(apps[n % 2], n)
    with sqlite3.connect(config.database) as conn:
        keys = [key for (key,) in conn.execute("SELECT key FROM kv_counters")]
    assert any(key.startswith(f"status-lookup:{PROBER}:") for key in keys)
    assert not [key for key in keys for number in numbers if number in key]
