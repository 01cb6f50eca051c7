"""The database holds the survey rules itself, whatever code writes the rows."""

from decimal import Decimal

import pytest
from django.contrib.gis.geos import LineString, Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from surveys.models import Answer, Question, Response
from tests.factories import CitizenFactory
from tests.surveys.factories import QuestionFactory, SurveyFactory, choice_question

pytestmark = pytest.mark.django_db


def insert(**fields):
    """Insert one answer and check the deferred foreign keys at once, inside a savepoint."""
    with transaction.atomic():
        Answer.objects.create(**fields)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def response(survey):
    return Response.objects.create(survey=survey, browser="b" * 64)


def test_an_answer_to_a_question_of_another_survey_is_refused(survey, questions, response):
    other = QuestionFactory(survey=SurveyFactory(project=survey.project), kind="text")

    with pytest.raises(IntegrityError, match="answer_question_in_survey"):
        insert(response=response, survey=survey, question=other, kind="text", text="x")
    with pytest.raises(IntegrityError, match=r"answer_response_in_survey|answer_question_in_survey"):
        insert(response=response, survey=other.survey, question=other, kind="text", text="x")


def test_an_answer_with_an_option_of_another_question_is_refused(survey, questions, response):
    foreign = choice_question(SurveyFactory(project=survey.project)).choices.first()

    with pytest.raises(IntegrityError, match="answer_choice_of_question"):
        insert(response=response, survey=survey, question=questions["owns"], kind="single", choice=foreign)


def test_an_answer_must_carry_its_questions_kind_and_a_matching_value(survey, questions, response):
    with pytest.raises(IntegrityError, match="answer_question_in_survey"):
        insert(response=response, survey=survey, question=questions["text"], kind="number", number=3)
    for kind_question, fields in [
        ("text", {"text": ""}),
        ("trips", {"text": "3"}),
        ("share", {"number": Decimal(1)}),
        ("point", {"geom": LineString((8.40, 49.0), (8.41, 49.0), srid=4326)}),
        ("line", {"geom": Point(8.40, 49.0, srid=4326)}),
        ("owns", {"choice": None, "text": "yes"}),
    ]:
        question = questions[kind_question]
        with pytest.raises(IntegrityError, match="answer_value_matches_kind"):
            insert(response=response, survey=survey, question=question, kind=question.kind, **fields)
    insert(
        response=response,
        survey=survey,
        question=questions["point"],
        kind="map_point",
        geom=Point(8.40, 49.0, srid=4326),
    )
    assert Answer.objects.count() == 1


def test_a_question_keeps_its_kind_once_answered(survey, questions, response):
    insert(response=response, survey=survey, question=questions["text"], kind="text", text="Hallo")

    with pytest.raises(IntegrityError, match="answer_question_in_survey"):
        change_kind(questions["text"], "number")


def change_kind(question, kind):
    with transaction.atomic():
        Question.objects.filter(pk=question.pk).update(kind=kind)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_one_answer_per_question_but_one_row_per_chosen_option(survey, questions, response):
    owns, charge = questions["owns"], questions["charge"]
    yes, no = owns.choices.all()
    insert(response=response, survey=survey, question=owns, kind="single", choice=yes)
    with pytest.raises(IntegrityError, match="answer_one_per_question"):
        insert(response=response, survey=survey, question=owns, kind="single", choice=no)

    home, work, _public = charge.choices.all()
    insert(response=response, survey=survey, question=charge, kind="multiple", choice=home)
    insert(response=response, survey=survey, question=charge, kind="multiple", choice=work)
    with pytest.raises(IntegrityError, match="answer_choice_once"):
        insert(response=response, survey=survey, question=charge, kind="multiple", choice=home)


def test_one_response_per_account_and_per_browser(survey):
    user = CitizenFactory()
    Response.objects.create(survey=survey, user=user)
    Response.objects.create(survey=survey, browser="c" * 64)

    with pytest.raises(IntegrityError, match="response_one_per_account"), transaction.atomic():
        Response.objects.create(survey=survey, user=user)
    with pytest.raises(IntegrityError, match="response_one_per_browser"), transaction.atomic():
        Response.objects.create(survey=survey, browser="c" * 64)
    with pytest.raises(IntegrityError, match="response_account_or_browser"), transaction.atomic():
        Response.objects.create(survey=SurveyFactory(project=survey.project), user=user, browser="d" * 64)


def test_deleting_an_account_keeps_its_answers_anonymously(survey):
    user = CitizenFactory()
    response = Response.objects.create(survey=survey, user=user)
    user.delete()
    response.refresh_from_db()
    assert response.user_id is None


def test_a_condition_must_be_options_of_one_earlier_single_choice_question(survey, questions):
    later = questions["text"]
    owns = questions["owns"]
    assert later.condition_error(list(owns.choices.all())) == ""  # earlier single choice, any of its options

    other_survey = choice_question(SurveyFactory(project=survey.project), position=0)
    two_questions = choice_question(survey, keys=("x", "y"), position=3)
    for question, condition in [
        (later, [questions["charge"].choices.first()]),  # a multiple-choice question
        (owns, [owns.choices.first()]),  # itself: not earlier
        (questions["trips"], [other_survey.choices.first()]),  # another survey
        (later, [owns.choices.first(), two_questions.choices.first()]),  # options of two questions
    ]:
        with translation.override("en"):
            assert "one earlier single-choice question" in question.condition_error(condition)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "scale", "min_value": Decimal(1), "max_value": None}, "max_value"),
        ({"kind": "scale", "min_value": Decimal(1), "max_value": Decimal(30)}, "max_value"),
        ({"kind": "scale", "min_value": Decimal("0.5"), "max_value": Decimal(3)}, "max_value"),
        ({"kind": "text", "min_selections": 1}, "min_selections"),
        ({"kind": "yes_no", "min_value": Decimal(1)}, "min_value"),
    ],
)
def test_question_settings_that_make_no_sense_are_refused_in_the_admin(survey, fields, field):
    question = Question(survey=survey, position=1, text_de="Frage", text="Frage", **fields)
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert field in refused.value.message_dict
