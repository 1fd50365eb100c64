"""The policy Q&A engine as the app gets it: `Services.policy_qa`, one engine per process."""

import pytest

from yimen.bootstrap import build_services
from yimen.config import load_config


@pytest.fixture(scope="session")
def qa(tmp_path_factory):
    return build_services(load_config(tmp_path_factory.mktemp("qa") / "data")).policy_qa
