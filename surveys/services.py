"""Every change of survey data: one keyword-only function per use case.

`response_submit` checks everything before it writes anything: the survey's dates and who may answer, that
this person has not answered yet, every answer against its question (collecting one message per question),
the anti-spam proof of anonymous people and the rate limit. Only then it writes the response and all its
answers in one transaction, so a failure in any answer stores nothing. The one-response rule is the
database's (partial UNIQUE constraints): a second response sent at the same moment fails there and becomes
the same "already answered" message as the check before.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from config.errors import DomainError
from config.parsers import strict_loads
from geo.core import errors as geo_errors
from geo.core.geometry import geometry_from_geojson
from participation.antispam import check_human
from participation.participants import Participant
from participation.texts import clean_text
from participation.throttling import rate_limit_check

from .errors import (
    AlreadyAnswered,
    AnswerError,
    AnswerRequired,
    AnswersInvalid,
    LineExpected,
    NotAMapAnswer,
    NotANumber,
    NotOnScale,
    NotYesOrNo,
    NumberTooLarge,
    NumberTooSmall,
    OneChoiceOnly,
    OutsideArea,
    PointExpected,
    TooFewChoices,
    TooManyChoices,
    UnknownChoice,
    UnknownQuestion,
    with_count,
)
from .models import MAP_GEOMETRY_KIND, Answer, Question, QuestionKind, Response, Survey
from .rules import check_can_answer
from .selectors import question_list, response_exists, visible_questions

TEXT_MAX = 5000
# Two decimals are stored (Answer.number); more digits than a person types are refused as "not a number".
NUMBER_DIGITS = 12
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
YES = frozenset({"yes", "true", "1", "on"})
NO = frozenset({"no", "false", "0"})


@dataclass(frozen=True, slots=True)
class TypedAnswer:
    """One validated answer, ready to store: exactly one of the value fields is set."""

    question: Question
    choice_ids: tuple[int, ...] = ()
    text: str = ""
    number: Decimal | None = None
    boolean: bool | None = None
    geom: object = None


def response_submit(*, survey: Survey, participant: Participant, answers: Mapping[int, object]) -> Response:
    """Store one person's answers to `survey`, all or nothing.

    `answers` maps question ids to what the person sent: a choice id (single choice), a list of choice ids
    (multiple choice), text, a number as text, "yes"/"no", or a decoded GeoJSON geometry (or its JSON text)
    for map questions. An empty value means "not answered". Ids of questions or choices of another survey
    are refused. Answers to questions hidden by their condition are ignored (not stored): without script a
    page shows every question, and a person may have filled one in before changing the answer it depends on.
    """
    check_can_answer(participant, survey)
    if response_exists(survey=survey, participant=participant):
        raise AlreadyAnswered()
    typed = answers_validate(survey=survey, answers=answers)
    check_human(participant)
    rate_limit_check(scope="survey_response", ident=participant.rate_ident)
    return _response_store(survey=survey, participant=participant, typed=typed)


def answers_validate(*, survey: Survey, answers: Mapping[int, object]) -> list[TypedAnswer]:
    """Every answer checked against its question; raises AnswersInvalid with one message per question."""
    questions = question_list(survey=survey)
    by_id = {question.pk: question for question in questions}
    errors: dict[int, str] = {}
    for question_id in answers:
        if question_id not in by_id:
            errors[question_id] = str(UnknownQuestion.default_message)
    shown = visible_questions(questions, _chosen_single(questions, answers))
    typed = []
    for question in questions:
        if question.pk not in shown:
            continue  # hidden by its condition: neither required nor stored
        try:
            answer = _typed(question, answers.get(question.pk), area=survey.project.area)
        except AnswerError as error:
            errors[question.pk] = error.message
            continue
        if answer is not None:
            typed.append(answer)
    if errors:
        raise AnswersInvalid(errors)
    return typed


@transaction.atomic
def _response_store(*, survey: Survey, participant: Participant, typed: Sequence[TypedAnswer]) -> Response:
    """Write the response and its answers. Assumes every check passed."""
    try:
        with transaction.atomic():  # a savepoint: the constraint's refusal must not end the outer transaction
            response = Response.objects.create(
                survey=survey,
                user=participant.user if participant.signed_in else None,
                browser="" if participant.signed_in else participant.browser,
                source_address=participant.source_address,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        raise AlreadyAnswered() from None
    rows = []
    for answer in typed:
        common = {
            "response": response,
            "survey": survey,
            "question": answer.question,
            "kind": answer.question.kind,
        }
        if answer.choice_ids:
            rows.extend(Answer(**common, choice_id=choice_id) for choice_id in answer.choice_ids)
        else:
            rows.append(
                Answer(
                    **common, text=answer.text, number=answer.number, boolean=answer.boolean, geom=answer.geom
                )
            )
    Answer.objects.bulk_create(rows)
    return response


def _chosen_single(questions: Sequence[Question], answers: Mapping[int, object]) -> set[int]:
    """The choice ids picked in single-choice questions, as far as they are valid: what conditions test."""
    chosen = set()
    for question in questions:
        if question.kind != QuestionKind.SINGLE:
            continue
        choice_id = _as_id(answers.get(question.pk))
        if choice_id is not None and any(c.pk == choice_id for c in question.choices.all()):
            chosen.add(choice_id)
    return chosen


def _typed(question: Question, value: object, *, area: object) -> TypedAnswer | None:
    """One answer checked against its question, or None if it was left empty (and may be)."""
    if isinstance(value, list | tuple) and question.kind != QuestionKind.MULTIPLE:
        if len(value) > 1:
            raise OneChoiceOnly() if question.kind == QuestionKind.SINGLE else NotANumber()
        value = value[0] if value else ""
    if _is_empty(value):
        if question.required:
            raise AnswerRequired()
        return None
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        choice_id = _as_id(value)
        if choice_id is None or choice_id not in {c.pk for c in question.choices.all()}:
            raise UnknownChoice()
        return TypedAnswer(question=question, choice_ids=(choice_id,))
    if kind == QuestionKind.MULTIPLE:
        return _multiple(question, value)
    if kind == QuestionKind.TEXT:
        try:
            text = clean_text(value, field="text", max_length=TEXT_MAX)
        except DomainError as error:
            raise AnswerError(error.message) from None
        return TypedAnswer(question=question, text=text)
    if kind in (QuestionKind.NUMBER, QuestionKind.SCALE):
        return TypedAnswer(question=question, number=_number(question, value))
    if kind == QuestionKind.YES_NO:
        if not isinstance(value, str) or value.strip().lower() not in YES | NO:
            raise NotYesOrNo()
        return TypedAnswer(question=question, boolean=value.strip().lower() in YES)
    return TypedAnswer(question=question, geom=_geometry(question, value, area=area))


def _multiple(question: Question, value: object) -> TypedAnswer | None:
    values = value if isinstance(value, list | tuple) else [value]
    ids = [_as_id(item) for item in values if not _is_empty(item)]
    known = {c.pk for c in question.choices.all()}
    if any(choice_id is None or choice_id not in known for choice_id in ids):
        raise UnknownChoice()
    unique = tuple(dict.fromkeys(ids))  # in the order given, each once
    if not unique:
        # Only empty values (a form's blank field): no choice, so no answer row, which would hold nothing.
        if question.required:
            raise AnswerRequired()
        return None
    if question.min_selections is not None and len(unique) < question.min_selections:
        raise with_count(TooFewChoices, question.min_selections)
    if question.max_selections is not None and len(unique) > question.max_selections:
        raise with_count(TooManyChoices, question.max_selections)
    return TypedAnswer(question=question, choice_ids=unique)  # type: ignore[arg-type]


def _number(question: Question, value: object) -> Decimal:
    try:
        number = _decimal(value)
    except NotANumber:
        if question.kind == QuestionKind.SCALE:
            raise NotOnScale() from None
        raise
    if question.kind == QuestionKind.SCALE:
        if number != number.to_integral_value() or not question.min_value <= number <= question.max_value:
            raise NotOnScale()
        return number
    if question.min_value is not None and number < question.min_value:
        raise with_count(NumberTooSmall, _plain(question.min_value))
    if question.max_value is not None and number > question.max_value:
        raise with_count(NumberTooLarge, _plain(question.max_value))
    return number


def _decimal(value: object) -> Decimal:
    """A number as people type it (German decimal commas too), with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise NotANumber()
    text = str(value).strip().replace(",", ".")
    # Decimal also reads NaN, Infinity and exponents such as 1e999: none of them is a person's number.
    if not PLAIN_NUMBER.match(text):
        raise NotANumber()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise NotANumber() from None
    if number.as_tuple().exponent < -2 or len(number.as_tuple().digits) > NUMBER_DIGITS:
        raise NotANumber()
    return number


# The geometry gate's refusals that speak of a "category" or a "suggestion", said for a survey question.
# Every other geometry message (invalid, too long, not finite, wrong CRS …) is the gate's own.
_MAP_MESSAGES: dict[type[DomainError], dict[str, type[AnswerError]]] = {
    geo_errors.GeometryWrongKind: {"point": PointExpected, "line": LineExpected},
    geo_errors.GeometryOutsideArea: {"point": OutsideArea, "line": OutsideArea},
}


def _geometry(question: Question, value: object, *, area: object) -> object:
    """A map answer through the same gate as suggestions (geo.core.geometry): valid, of the question's kind,
    inside the project area, bounded, 2D, finite, in WGS84. Forms send the GeoJSON as text."""
    kind = MAP_GEOMETRY_KIND[QuestionKind(question.kind)]
    if isinstance(value, str):
        try:
            value = strict_loads(value, allow_nan=True)  # the gate refuses NaN with its own message
        # RecursionError: a field of thousands of nested brackets is a wrong answer, not a crash.
        except (ValueError, RecursionError):
            raise NotAMapAnswer() from None
    try:
        return geometry_from_geojson(value, kind=kind, area=area)
    except geo_errors.GeometryError as error:
        for family, replacements in _MAP_MESSAGES.items():
            if isinstance(error, family):
                raise replacements[kind]() from None
        raise AnswerError(error.message) from None


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return False


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
        return int(value.strip())
    return None


def _plain(number: Decimal) -> str:
    """12.00 as 12, 2.50 as 2.5: limits read as people write them."""
    return format(number.normalize(), "f")
