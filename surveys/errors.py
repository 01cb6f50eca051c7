"""Typed errors of surveys; messages are constants tests assert.

Refusals of the whole response (closed, already answered, not signed in) are DomainErrors mapped to HTTP
once, like participation's. Refusals of one answer are `AnswerError`s: the service collects one per
question and raises them together as `AnswersInvalid`, so the page shows every message at its question.
"""

from datetime import datetime

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError


class SurveyNotFound(DomainError):
    status_code = 404
    code = "survey_not_found"
    default_message = _("There is no survey with this name in this project.")


class SurveyNotOpenYet(DomainError):
    status_code = 403
    code = "survey_not_open"
    default_message = _("This survey opens on %(date)s.")

    def __init__(self, *, opens_at: datetime) -> None:
        super().__init__(self.default_message % {"date": formats.date_format(opens_at, "DATETIME_FORMAT")})


class SurveyClosed(DomainError):
    status_code = 403
    code = "survey_closed"
    default_message = _("This survey closed on %(date)s and accepts no more answers.")

    def __init__(self, *, closes_at: datetime) -> None:
        super().__init__(self.default_message % {"date": formats.date_format(closes_at, "DATETIME_FORMAT")})


class AlreadyAnswered(DomainError):
    status_code = 409
    code = "already_answered"
    default_message = _("You have already answered this survey. Thank you! Each person can answer it once.")


class AnswerError(DomainError):
    """One answer breaks a rule of its question."""

    code = "invalid_answer"


class AnswerRequired(AnswerError):
    default_message = _("Please answer this question.")


class UnknownQuestion(AnswerError):
    code = "unknown_question"
    default_message = _("This question does not belong to this survey.")


class UnknownChoice(AnswerError):
    code = "unknown_choice"
    default_message = _("Please choose one of the options given.")


class TooFewChoices(AnswerError):
    default_message = _("Please choose at least %(count)s options.")


class TooManyChoices(AnswerError):
    default_message = _("Please choose at most %(count)s options.")


class OneChoiceOnly(AnswerError):
    default_message = _("Please choose only one option.")


class NotANumber(AnswerError):
    default_message = _("Please enter a number, e.g. 3 or 2.5.")


class NumberTooSmall(AnswerError):
    default_message = _("Please enter a number of at least %(limit)s.")


class NumberTooLarge(AnswerError):
    default_message = _("Please enter a number of at most %(limit)s.")


class NotOnScale(AnswerError):
    default_message = _("Please choose one of the values of the scale.")


class NotYesOrNo(AnswerError):
    default_message = _("Please answer yes or no.")


class NotAMapAnswer(AnswerError):
    default_message = _("The place could not be read. Please draw it on the map again.")


class PointExpected(AnswerError):
    code = "wrong_geometry_type"
    default_message = _("This question takes a point on the map.")


class LineExpected(AnswerError):
    code = "wrong_geometry_type"
    default_message = _("This question takes a line on the map.")


class OutsideArea(AnswerError):
    code = "outside_area"
    default_message = _("Please choose a place inside the project area.")


def with_count(error: type[AnswerError], count: object) -> AnswerError:
    """An error whose message names a limit (`%(count)s` or `%(limit)s`)."""
    template: str | Promise = error.default_message
    return error(str(template) % {"count": count, "limit": count})


class AnswersInvalid(DomainError):
    """Some answers break their question's rules: `errors` maps each question's id to its message."""

    code = "invalid_answers"
    default_message = _("Some answers need your attention. Nothing was saved yet.")

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__()
        self.errors = errors
