import pytest

from tests.notices.sim import Imitation


@pytest.fixture
def sim(wechat_imitation):
    imitation = Imitation(wechat_imitation.url)
    imitation.reset()
    yield imitation
    imitation.reset()
