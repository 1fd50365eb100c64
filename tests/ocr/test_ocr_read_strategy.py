"""How many engine calls a photo costs: one for a good photo, upright or turned; a second only when the
first read falls short. A scripted engine (a test double of the OcrEngine port) counts the calls."""

import numpy as np
import pytest
from cardgen import card_lines
from PIL import Image

from yimen.adapters.images_pillow import PillowPicture
from yimen.domain.errors import ValidationError
from yimen.domain.idcard import OcrLine, check_digit
from yimen.ports_ocr import OcrEngine
from yimen.services.ocr.idcard_check import check_image

FIRST17 = "51170319800307122"
NUMBER = FIRST17 + check_digit(FIRST17)


class ScriptedEngine(OcrEngine):
    def __init__(self, *replies: list[OcrLine]):
        self.replies = list(replies)
        self.sizes: list[tuple[int, int]] = []

    def read(self, image):
        self.sizes.append(image.size)
        return self.replies.pop(0)


def photo(size=(1000, 630)) -> PillowPicture:
    """Colour noise: sharp and colourful enough for the quality gates, so only the lines matter."""
    return PillowPicture(
        Image.fromarray(np.random.default_rng(1).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    )


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_complete_card_costs_one_engine_call_in_any_orientation(turn):
    engine = ScriptedEngine(card_lines(NUMBER, turn))
    size = (630, 1000) if turn in (90, 270) else (1000, 630)
    result = check_image(photo(size), engine)
    assert len(engine.sizes) == 1
    assert (result["name"], result["id_number"], result["checks"]["orientation"]) == ("李秀英", NUMBER, turn)


def test_turned_card_missing_a_field_is_read_once_more_upright():
    first = [ln for ln in card_lines(NUMBER, 180) if ln.text != "李秀英"]
    engine = ScriptedEngine(first, card_lines(NUMBER, 0))
    result = check_image(photo(), engine)
    assert len(engine.sizes) == 2 and result["name"] == "李秀英"


def test_no_card_found_is_retried_turned_then_refused():
    receipt = [
        OcrLine("超市购物小票", ((100, 50), (500, 50), (500, 100), (100, 100))),
        OcrLine("合计 123.40 元", ((100, 400), (500, 400), (500, 450), (100, 450))),
    ]
    engine = ScriptedEngine(receipt, receipt)
    with pytest.raises(ValidationError) as err:
        check_image(photo(), engine)
    assert err.value.code == "NOT_AN_IDCARD" and len(engine.sizes) == 2


def test_back_side_is_recognised_from_one_read():
    back = [
        OcrLine(t, ((100, y), (700, y), (700, y + 60), (100, y + 60)))
        for t, y in (("中华人民共和国", 80), ("居民身份证", 190), ("签发机关 达州市公安局", 420))
    ]
    engine = ScriptedEngine(back)
    with pytest.raises(ValidationError) as err:
        check_image(photo(), engine)
    assert err.value.code == "IDCARD_BACK_SIDE" and len(engine.sizes) == 1
