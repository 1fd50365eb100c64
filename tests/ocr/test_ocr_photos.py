"""The synthetic photo set through the full check with the real engine: accuracy targets and flags."""

FIELDS = ("name", "gender", "ethnicity", "birth_date", "address", "id_number")


def expected_fields(person) -> dict:
    return {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.shown_birth.isoformat(),
        "address": person.address,
        "id_number": person.id_number,
    }


def positives(outcomes):
    return [o for o in outcomes.values() if o.sample.expect_ok]


def test_set_is_large_enough(outcomes):
    assert len(outcomes) >= 60
    assert len(positives(outcomes)) >= 40


def test_id_number_and_name_accuracy_meet_targets(outcomes):
    good = positives(outcomes)
    read = [o for o in good if o.result]
    id_exact = sum(o.result["id_number"] == o.sample.person.id_number for o in read) / len(good)
    name_exact = sum(o.result["name"] == o.sample.person.name for o in read) / len(good)
    print(f"\nID exact {id_exact:.1%}, name exact {name_exact:.1%} on {len(good)} positive photos")
    assert id_exact >= 0.99
    assert name_exact >= 0.95


def test_positive_photos_read_every_field_exactly(outcomes):
    """All fields, addresses included, on at least 95% of photos; the rest may miss one address character
    (the OCR's own error), never the number, name, gender or birth date."""
    good = positives(outcomes)
    wrong = {}
    for o in good:
        got = {k: o.result[k] for k in FIELDS} if o.result else {}
        want = expected_fields(o.sample.person)
        diff = {k: (got.get(k), want[k]) for k in FIELDS if got.get(k) != want[k]}
        if diff:
            wrong[o.sample.name] = diff
    assert len(wrong) <= len(good) * 0.05, wrong
    assert all(set(d) <= {"address", "ethnicity"} for d in wrong.values()), wrong


def test_positive_photos_pass_every_check(outcomes):
    for o in positives(outcomes):
        assert o.error is None, (o.sample.name, o.error)
        checks = o.result["checks"]
        assert checks["check_digit"] and checks["birth_date_matches"] and checks["gender_matches"], o.sample.name
        assert checks["region_known"] and o.result["region"], o.sample.name
        assert not {"GREYSCALE_COPY", "CARD_CUT_OFF", "ID_CHECK_DIGIT"} & set(o.codes), (o.sample.name, o.codes)


def test_turned_photos_are_read_not_rejected(outcomes):
    turned = {"rot90": 270, "rot180": 180, "rot270": 90}  # PIL turns anticlockwise, we report clockwise
    for o in outcomes.values():
        style = o.sample.name.split("-")[0]
        if style in turned:
            assert o.result["checks"]["orientation"] == turned[style], o.sample.name
            assert o.result["id_number"] == o.sample.person.id_number


def test_every_bad_photo_is_flagged_with_its_code(outcomes):
    bad = [o for o in outcomes.values() if not o.sample.expect_ok]
    assert len(bad) >= 20
    missed = {o.sample.name: o.codes for o in bad if o.sample.expect not in o.codes}
    assert not missed


def test_region_is_named_from_the_code(outcomes):
    o = next(o for o in positives(outcomes) if o.sample.person.id_number.startswith("511703"))
    assert o.result["region"] == "四川省达州市达川区"


def test_typed_name_and_number_are_compared(sample_files, engine):
    from yimen.adapters.images_pillow import PillowImages
    from yimen.services.ocr.idcard_check import check_idcard

    sample, path = sample_files["table-0"]
    person = sample.person
    same = check_idcard(path.read_bytes(), PillowImages(), engine, person.name, person.id_number)
    assert same["checks"]["name_matches_expected"] and same["checks"]["id_matches_expected"]
    other_id = person.id_number[:14] + ("0000" if person.id_number[14:] != "0000" else "1111")
    differ = check_idcard(path.read_bytes(), PillowImages(), engine, "王小二", other_id)
    codes = [w["code"] for w in differ["warnings"]]
    assert "EXPECTED_NAME_MISMATCH" in codes and "EXPECTED_ID_MISMATCH" in codes
