"""Which findings on the applicant's ID photo hold a submission back until the person confirms it. Pure.

One rule for every front end: the H5 form (which reads the photo as it is sent) and the JSON API, so the
mini-program (which names a photo checked earlier by POST /api/v1/ocr/idcard). A photo that does not
match what was typed, a black-and-white copy, or a card cut off at the edge is worth a second look; the
person may still confirm and go on (a clerk checks the photo again at 受理). Other findings (a soft photo,
a field not read) are shown but never hold anything back."""

from collections.abc import Iterable, Mapping

from yimen.domain.errors import ValidationError
from yimen.domain.idcard import NAME_MISMATCH, NUMBER_MISMATCH, name_matches, number_matches

BLOCKERS = frozenset({NAME_MISMATCH.code, NUMBER_MISMATCH.code, "GREYSCALE_COPY", "CARD_CUT_OFF"})
NOT_CONFIRMED = "PHOTO_NOT_CONFIRMED"
CONFIRM_HINT = "如核对无误，请确认后再提交。"

PhotoWarning = Mapping[str, str]  # {"code", "message"}, as the photo check answers


def blocking(warnings: Iterable[PhotoWarning]) -> list[PhotoWarning]:
    return [w for w in warnings if w["code"] in BLOCKERS]


def require_confirmed(warnings: Iterable[PhotoWarning], confirmed: bool) -> None:
    """Refuse an unconfirmed submission whose photo has a blocking finding, naming every one."""
    blockers = blocking(warnings)
    if blockers and not confirmed:
        raise ValidationError(
            NOT_CONFIRMED,
            "".join(w["message"] for w in blockers) + CONFIRM_HINT,
            details={"warnings": [dict(w) for w in blockers]},
        )


def against_applicant(
    photo_warnings: Iterable[PhotoWarning],
    name_on_card: str | None,
    number_on_card: str | None,
    name: str,
    id_number: str,
) -> list[PhotoWarning]:
    """A photo checked earlier, against the applicant as finally submitted: she may have typed or corrected
    her name after taking the photo, so the name and number are compared again and not taken from then."""
    expected = {NAME_MISMATCH.code, NUMBER_MISMATCH.code}
    found = [w for w in photo_warnings if w["code"] not in expected]
    if name and not name_matches(name, name_on_card):
        found.append(NAME_MISMATCH.as_dict())
    if id_number and not number_matches(id_number, number_on_card):
        found.append(NUMBER_MISMATCH.as_dict())
    return found
