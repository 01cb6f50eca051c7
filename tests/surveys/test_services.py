"""`response_submit`: every question kind's rules, conditions, all-or-nothing, one response per person."""

import threading
from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, connections
from django.utils import timezone, translation

from geo.core import errors as geo_errors
from participation.errors import NotSignedIn
from participation.participants import Participant
from surveys import errors as E
from surveys.models import Answer, Response
from surveys.services import response_submit
from tests.factories import CitizenFactory
from tests.surveys.factories import QuestionFactory, SurveyFactory, choice_question

pytestmark = pytest.mark.django_db

POINT = {"type": "Point", "coordinates": [8.40, 49.00]}
LINE = {"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.01]]}


@pytest.fixture
def person(citizen):
    return Participant(user=citizen, address="192.0.2.10")


def choice(question, key):
    return question.choices.get(key=key).pk


def valid(questions, **changes):
    """A complete, valid set of answers; `changes` replace answers by question name (None removes one)."""
    answers = {
        "owns": str(choice(questions["owns"], "yes")),
        "charge": [str(choice(questions["charge"], "home"))],
        "trips": "7",
        "scale": "4",
        "share": "yes",
        "text": "Mehr Ladestationen am Bahnhof!",
        "point": POINT,
        "line": LINE,
    }
    answers.update(changes)
    return {questions[name].pk: value for name, value in answers.items() if value is not None}


def text_of(message) -> str:
    """An error class's message in the language active now (parameters are built before any test runs)."""
    return message if isinstance(message, str) else str(message.default_message)


def refused(survey, person, answers) -> dict[int, str]:
    with pytest.raises(E.AnswersInvalid) as error:
        response_submit(survey=survey, participant=person, answers=answers)
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    return error.value.errors


def test_a_complete_response_is_stored_with_typed_answers(survey, questions, person):
    response = response_submit(survey=survey, participant=person, answers=valid(questions))

    assert response.user == person.user
    assert response.browser == ""
    assert response.source_address == person.source_address
    by_question = {a.question_id: a for a in Answer.objects.filter(response=response)}
    assert by_question[questions["owns"].pk].choice.key == "yes"
    assert by_question[questions["trips"].pk].number == 7
    assert by_question[questions["scale"].pk].number == 4
    assert by_question[questions["share"].pk].boolean is True
    assert by_question[questions["text"].pk].text == "Mehr Ladestationen am Bahnhof!"
    assert by_question[questions["point"].pk].geom.coords == (8.40, 49.00)
    assert by_question[questions["line"].pk].geom.geom_type == "LineString"
    assert Answer.objects.filter(question=questions["charge"]).count() == 1


def test_optional_questions_may_be_left_out(survey, questions, person):
    answers = valid(questions, scale="", share=None, text="  ", point="", line=None)
    response = response_submit(survey=survey, participant=person, answers=answers)
    assert response.answers.count() == 3  # owns, charge, trips; nothing for the empty ones


@pytest.mark.parametrize("name", ["owns", "charge", "trips"])
def test_a_required_question_left_empty_is_refused_at_that_question(survey, questions, person, name):
    errors = refused(survey, person, valid(questions, **{name: [] if name == "charge" else ""}))
    assert errors == {questions[name].pk: str(E.AnswerRequired.default_message)}


def test_every_refused_answer_gets_its_own_message_and_nothing_is_stored(survey, questions, person):
    errors = refused(
        survey,
        person,
        valid(
            questions,
            trips="viele",
            scale="9",
            share="vielleicht",
            point={"type": "Point", "coordinates": []},
        ),
    )
    assert errors == {
        questions["trips"].pk: str(E.NotANumber.default_message),
        questions["scale"].pk: str(E.NotOnScale.default_message),
        questions["share"].pk: str(E.NotYesOrNo.default_message),
        questions["point"].pk: str(geo_errors.GeometryEmpty.default_message),
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "Please enter a number of at least 0."),
        ("51", "Please enter a number of at most 50."),
        ("NaN", E.NotANumber),
        ("Infinity", E.NotANumber),
        ("1e999", E.NotANumber),
        ("2.555", E.NotANumber),
        (True, E.NotANumber),
    ],
)
@translation.override("en")
def test_numbers_must_be_finite_plain_and_in_range(survey, questions, person, value, message):
    assert refused(survey, person, valid(questions, trips=value)) == {questions["trips"].pk: text_of(message)}


@pytest.mark.parametrize("value", ["0", "50", "2,5", " 12.25 ", 3])
def test_numbers_in_range_are_accepted_with_decimal_commas(survey, questions, person, value):
    response = response_submit(survey=survey, participant=person, answers=valid(questions, trips=value))
    assert response.answers.get(question=questions["trips"]).number == float(str(value).replace(",", "."))


@pytest.mark.parametrize("value", ["0", "6", "2.5", "x"])
def test_a_scale_takes_only_its_whole_values(survey, questions, person, value):
    errors = refused(survey, person, valid(questions, scale=value))
    assert errors == {questions["scale"].pk: str(E.NotOnScale.default_message)}


@translation.override("en")
def test_multiple_choice_counts_its_selections(survey, questions, person):
    charge = questions["charge"]
    three = [str(c.pk) for c in charge.choices.all()]
    assert refused(survey, person, valid(questions, charge=three)) == {
        charge.pk: "Please choose at most 2 options."
    }
    charge.min_selections = 2
    charge.save()
    assert refused(survey, person, valid(questions, charge=three[:1])) == {
        charge.pk: "Please choose at least 2 options."
    }
    # The same option twice counts once.
    assert refused(survey, person, valid(questions, charge=[three[0], three[0]])) == {
        charge.pk: "Please choose at least 2 options."
    }
    response = response_submit(survey=survey, participant=person, answers=valid(questions, charge=three[:2]))
    assert sorted(response.answers.filter(question=charge).values_list("choice__key", flat=True)) == [
        "home",
        "work",
    ]


def test_single_choice_takes_one_of_its_own_options(survey, questions, person):
    owns = questions["owns"]
    charge_option = str(questions["charge"].choices.first().pk)
    two = [str(c.pk) for c in owns.choices.all()]
    for value, error in [
        (charge_option, E.UnknownChoice),
        ("999999", E.UnknownChoice),
        ("ja", E.UnknownChoice),
        (two, E.OneChoiceOnly),
    ]:
        assert refused(survey, person, valid(questions, owns=value)) == {owns.pk: str(error.default_message)}


def test_an_option_or_question_of_another_survey_is_refused(survey, questions, person):
    other = SurveyFactory(project=survey.project)
    foreign_question = choice_question(other)
    foreign_option = str(foreign_question.choices.first().pk)

    errors = refused(survey, person, valid(questions, owns=foreign_option))
    assert errors == {questions["owns"].pk: str(E.UnknownChoice.default_message)}
    errors = refused(survey, person, {**valid(questions), foreign_question.pk: foreign_option})
    assert errors == {foreign_question.pk: str(E.UnknownQuestion.default_message)}
    errors = refused(survey, person, valid(questions, charge=[foreign_option]))
    assert errors == {questions["charge"].pk: str(E.UnknownChoice.default_message)}


@translation.override("en")
def test_text_answers_are_bounded_and_without_control_characters(survey, questions, person):
    errors = refused(survey, person, valid(questions, text="a" * 5001))
    assert "too long" in errors[questions["text"].pk]
    errors = refused(survey, person, valid(questions, text="Hallo\x00"))
    assert "control characters" in errors[questions["text"].pk]
    response = response_submit(
        survey=survey, participant=person, answers=valid(questions, text="<b>=SUMME(A1)</b>")
    )
    assert response.answers.get(question=questions["text"]).text == "<b>=SUMME(A1)</b>"  # kept as typed


@pytest.mark.parametrize(
    ("name", "geometry", "message"),
    [
        ("point", LINE, E.PointExpected),
        ("line", POINT, E.LineExpected),
        ("point", {"type": "Point", "coordinates": [13.40, 52.52]}, E.OutsideArea),
        (
            "line",
            {"type": "LineString", "coordinates": [[8.45, 49.00], [8.55, 49.00]]},
            E.OutsideArea,
        ),
        (
            "line",
            {"type": "LineString", "coordinates": [[8.40, 49.0], [8.42, 49.02], [8.42, 49.0], [8.40, 49.02]]},
            geo_errors.LineCrossesItself,
        ),
        (
            "point",
            '{"type": "Point", "coordinates": [NaN, 49.0]}',
            geo_errors.GeometryCoordinates,
        ),
        (
            "point",
            {"type": "Point", "coordinates": [8.4, 49.0, 100]},
            geo_errors.CoordinatesNotTwoNumbers,
        ),
        ("point", "SRID=3857;POINT(935000 6275000)", E.NotAMapAnswer),
        (
            "point",
            {"type": "Point", "coordinates": [8.4, 49.0], "crs": {}},
            geo_errors.GeometryCRS,
        ),
        ("line", "not json", E.NotAMapAnswer),
    ],
)
def test_map_answers_pass_the_same_geometry_rules_as_suggestions(
    survey, questions, person, name, geometry, message
):
    assert refused(survey, person, valid(questions, **{name: geometry})) == {
        questions[name].pk: text_of(message)
    }


def test_map_answers_come_as_geojson_text_from_forms(survey, questions, person):
    response = response_submit(
        survey=survey,
        participant=person,
        answers=valid(questions, point='{"type": "Point", "coordinates": [8.4012345678, 49.0]}'),
    )
    assert response.answers.get(question=questions["point"]).geom.coords == (8.4012346, 49.0)


# ------------------------------------------------------------------------------------------ conditions


def test_a_hidden_question_is_not_required_and_its_answer_is_ignored(survey, questions, person):
    """`charge` is shown only to owners. Someone who says "no" need not answer it, and an answer sent anyway
    (a page without script shows every question) is not stored."""
    no = str(choice(questions["owns"], "no"))
    response = response_submit(
        survey=survey,
        participant=person,
        answers=valid(questions, owns=no, charge=[str(choice(questions["charge"], "work"))]),
    )
    assert not response.answers.filter(question=questions["charge"]).exists()

    other = Participant(user=CitizenFactory())
    response = response_submit(survey=survey, participant=other, answers=valid(questions, owns=no, charge=[]))
    assert response.answers.count() == 7


def test_an_invalid_answer_to_a_hidden_question_is_not_held_against_anyone(survey, questions, person):
    no = str(choice(questions["owns"], "no"))
    response = response_submit(
        survey=survey, participant=person, answers=valid(questions, owns=no, charge=["nonsense", "999"])
    )
    assert not response.answers.filter(question=questions["charge"]).exists()


def test_conditions_chain(survey, questions, person):
    """A question that depends on a hidden question is hidden too, whatever was sent for either."""
    which = choice_question(
        survey,
        keys=("pedelec", "cargo"),
        position=2,
        show_if_choices=[questions["owns"].choices.get(key="yes")],
    )
    cargo = QuestionFactory(
        survey=survey, position=3, required=True, show_if_choices=[which.choices.get(key="cargo")]
    )
    no = str(choice(questions["owns"], "no"))

    response = response_submit(
        survey=survey,
        participant=person,
        answers={**valid(questions, owns=no, charge=None), which.pk: str(choice(which, "cargo"))},
    )
    assert not response.answers.filter(question__in=[which, cargo]).exists()

    other = Participant(user=CitizenFactory())
    with pytest.raises(E.AnswersInvalid) as error:
        response_submit(
            survey=survey,
            participant=other,
            answers={**valid(questions), which.pk: str(choice(which, "cargo"))},
        )
    assert error.value.errors == {cargo.pk: str(E.AnswerRequired.default_message)}


def test_a_question_shown_for_several_options_is_asked_after_each_of_them(survey, person):
    owns = choice_question(survey, keys=("pedelec", "s-pedelec", "no"), position=1, required=True)
    charge = QuestionFactory(
        survey=survey,
        position=2,
        required=True,
        show_if_choices=[owns.choices.get(key="pedelec"), owns.choices.get(key="s-pedelec")],
    )

    for key, asked in [("pedelec", True), ("s-pedelec", True), ("no", False)]:
        with pytest.raises(E.AnswersInvalid) if asked else nullcontext() as refused:
            response_submit(
                survey=survey,
                participant=Participant(user=CitizenFactory()),
                answers={owns.pk: str(choice(owns, key))},
            )
        if asked:  # required once shown: the person who chose it must answer it
            assert refused.value.errors == {charge.pk: str(E.AnswerRequired.default_message)}


# ------------------------------------------------------------------------------------------ all or nothing


def test_a_database_failure_in_the_last_answer_stores_nothing(survey, questions, person):
    """A trigger makes the insert of the line (the last answer) fail: the response and the answers written
    before it are rolled back with it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION fail_line_answer() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.kind = 'map_line' THEN RAISE EXCEPTION 'injected failure'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_line_answer BEFORE INSERT ON surveys_answer
                FOR EACH ROW EXECUTE FUNCTION fail_line_answer();
            """
        )
    with pytest.raises(DatabaseError, match="injected failure"):
        response_submit(survey=survey, participant=person, answers=valid(questions))
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


# ------------------------------------------------------------------------------------------ who and when


def test_a_second_response_of_the_same_account_is_refused(survey, questions, person):
    response_submit(survey=survey, participant=person, answers=valid(questions))
    with pytest.raises(E.AlreadyAnswered) as error:
        response_submit(survey=survey, participant=person, answers=valid(questions))
    assert error.value.message == str(E.AlreadyAnswered.default_message)
    assert Response.objects.count() == 1


def test_anonymous_browsers_answer_once_each_where_allowed(survey, questions, monkeypatch):
    monkeypatch.setattr("surveys.services.check_human", lambda participant: None)
    browser = Participant(user=AnonymousUser(), address="192.0.2.20", browser="a" * 64)
    response = response_submit(survey=survey, participant=browser, answers=valid(questions))
    assert (response.user, response.browser) == (None, "a" * 64)
    with pytest.raises(E.AlreadyAnswered):
        response_submit(survey=survey, participant=browser, answers=valid(questions))
    other = Participant(user=AnonymousUser(), address="192.0.2.20", browser="b" * 64)
    response_submit(survey=survey, participant=other, answers=valid(questions))

    survey.allow_anonymous = False
    survey.save()
    third = Participant(user=AnonymousUser(), address="192.0.2.20", browser="c" * 64)
    with pytest.raises(NotSignedIn):
        response_submit(survey=survey, participant=third, answers=valid(questions))


def test_anonymous_answers_need_the_anti_spam_proof(survey, questions):
    from participation.errors import ProofMissing, SpamSuspected
    from participation.participants import AntiSpam

    browser = Participant(user=AnonymousUser(), address="192.0.2.20", browser="a" * 64)
    with pytest.raises(ProofMissing):
        response_submit(survey=survey, participant=browser, answers=valid(questions))
    bot = Participant(
        user=AnonymousUser(), address="192.0.2.20", browser="a" * 64, anti_spam=AntiSpam(honeypot="http://x")
    )
    with pytest.raises(SpamSuspected):
        response_submit(survey=survey, participant=bot, answers=valid(questions))
    assert not Response.objects.exists()


def test_the_write_limit_counts_responses(survey, questions, settings, monkeypatch):
    from participation.errors import TooManyRequests

    monkeypatch.setattr("surveys.services.check_human", lambda participant: None)
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "survey_response": "1/3600"}
    address = "198.51.100.7"
    response_submit(
        survey=survey,
        participant=Participant(user=AnonymousUser(), address=address, browser="d" * 64),
        answers=valid(questions),
    )
    with pytest.raises(TooManyRequests):
        response_submit(
            survey=survey,
            participant=Participant(user=AnonymousUser(), address=address, browser="e" * 64),
            answers=valid(questions),
        )


@pytest.mark.parametrize(
    ("opens", "closes", "error", "shown"),
    [
        (1, 10, E.SurveyNotOpenYet, "opens_at"),
        (-10, -1, E.SurveyClosed, "closes_at"),
    ],
)
def test_a_survey_outside_its_dates_accepts_nothing_and_says_when(
    survey, questions, person, opens, closes, error, shown
):
    from django.utils import formats

    now = timezone.now()
    survey.opens_at, survey.closes_at = now + timedelta(days=opens), now + timedelta(days=closes)
    survey.save()
    with pytest.raises(error) as refusal:
        response_submit(survey=survey, participant=person, answers=valid(questions))
    assert formats.date_format(getattr(survey, shown), "DATETIME_FORMAT") in refusal.value.message
    assert not Response.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_responses_sent_at_the_same_moment_store_one(project):
    """Both requests pass the "already answered?" check before either has written: the UNIQUE constraint
    decides, and the loser gets the same message as a later second attempt."""
    survey = SurveyFactory(project=project)
    question = QuestionFactory(survey=survey, kind="text", required=True)
    person = Participant(user=CitizenFactory())
    barrier = threading.Barrier(2)
    results: list[object] = []

    import surveys.services as services

    real_validate = services.answers_validate

    def validate_then_wait(**kwargs):
        typed = real_validate(**kwargs)
        barrier.wait(10)  # both have checked and validated; now both write
        return typed

    def submit():
        try:
            results.append(response_submit(survey=survey, participant=person, answers={question.pk: "Hallo"}))
        except Exception as error:  # the test looks at what each thread got
            results.append(error)
        finally:
            connections.close_all()

    original = services.answers_validate
    services.answers_validate = validate_then_wait
    try:
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        services.answers_validate = original

    assert Response.objects.filter(survey=survey).count() == 1
    assert sorted(type(r).__name__ for r in results) == ["AlreadyAnswered", "Response"]
