"""Surveys of a project: questions (map questions included), their choices, responses and answers.

What the database can hold is held there, whatever code writes the rows:
- an answer's question belongs to the response's survey, and its choice to that question (composite foreign
  keys added in migration 0001, targets are the `*_id_unique` constraints below);
- an answer carries the question's kind (also part of the composite key, so a question's kind cannot change
  once someone answered it), and CHECK constraints keep the typed value consistent with that kind: a choice
  for choice questions, a text for text questions, a number for numbers and scales, a yes/no, a point or a
  line;
- one response per account and per anonymous browser and survey (partial UNIQUE constraints), and one answer
  per question and response, except multiple choice, which has one row per chosen option.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db.models import Func, Q
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participation.models import BROWSER_KEY_LENGTH, Project


class Survey(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="surveys")
    slug = models.SlugField(_("slug"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    allow_anonymous = models.BooleanField(
        _("anonymous answers allowed"),
        default=False,
        help_text=_("Without an account, one response per browser, with the same anti-spam as the map."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["project", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "slug"], name="survey_slug_unique_per_project"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_dates_order",
                violation_error_message=_("A survey must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TEXT = "text", _("Free text")
    NUMBER = "number", _("Number")
    SCALE = "scale", _("Scale")
    YES_NO = "yes_no", _("Yes or no")
    MAP_POINT = "map_point", _("Map: point")
    MAP_LINE = "map_line", _("Map: line")


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
MAP_KINDS = (QuestionKind.MAP_POINT, QuestionKind.MAP_LINE)
# The geo.core.geometry kind each map question takes.
MAP_GEOMETRY_KIND = {QuestionKind.MAP_POINT: "point", QuestionKind.MAP_LINE: "line"}
# A scale longer than this is a number question; a chart of its values stays readable.
SCALE_MAX_STEPS = 11


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=9, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    # Numbers and scales: the range of accepted values (a scale needs both, whole numbers).
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Multiple choice: how many options a person must and may choose.
    min_selections = models.PositiveSmallIntegerField(_("at least this many choices"), null=True, blank=True)
    max_selections = models.PositiveSmallIntegerField(_("at most this many choices"), null=True, blank=True)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=80, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=80, blank=True)
    # Shown only when the person chose one of these options of one earlier single-choice question
    # (`condition_error` holds the rule; the admin's forms apply it). Several options, because one question
    # may concern several answers ("pedelec" and "S-pedelec" owners both charge). The admin refuses to delete
    # an option that questions depend on: it would silently show them to everyone.
    show_if_choices = models.ManyToManyField(
        "Choice",
        blank=True,
        related_name="dependent_questions",
        verbose_name=_("show only if one of these was chosen"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "id"]
        constraints = [
            # The target of the answers' composite foreign key (question, survey, kind).
            models.UniqueConstraint(fields=["id", "survey", "kind"], name="question_id_survey_kind_unique"),
            models.CheckConstraint(condition=Q(kind__in=QuestionKind.values), name="question_kind_valid"),
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_empty"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_value_range_order",
                violation_error_message=_("The minimum must not be larger than the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(min_selections__isnull=True)
                | Q(max_selections__isnull=True)
                | Q(min_selections__lte=models.F("max_selections")),
                name="question_selection_range_order",
                violation_error_message=_("At least must not be more than at most."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=QuestionKind.SCALE) | Q(min_value__isnull=False, max_value__isnull=False),
                name="question_scale_has_range",
                violation_error_message=_("A scale needs a minimum and a maximum."),
            ),
            models.CheckConstraint(
                condition=Q(kind=QuestionKind.MULTIPLE)
                | Q(min_selections__isnull=True, max_selections__isnull=True),
                name="question_selections_only_multiple",
                violation_error_message=_("Only multiple-choice questions have a number of choices."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    @property
    def is_map(self) -> bool:
        return self.kind in MAP_KINDS

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind == QuestionKind.SCALE:
            low, high = self.min_value, self.max_value
            if low is None or high is None:
                errors.setdefault("max_value", []).append(_("A scale needs a minimum and a maximum."))
            elif low != int(low) or high != int(high) or not 1 <= high - low + 1 <= SCALE_MAX_STEPS:
                errors.setdefault("max_value", []).append(
                    _("A scale runs over whole numbers, at most %(steps)s steps (e.g. 1 to 5).")
                    % {"steps": SCALE_MAX_STEPS}
                )
        if self.kind != QuestionKind.MULTIPLE and (
            self.min_selections is not None or self.max_selections is not None
        ):
            errors.setdefault("min_selections", []).append(
                _("Only multiple-choice questions have a number of choices.")
            )
        if self.kind not in (QuestionKind.NUMBER, QuestionKind.SCALE) and (
            self.min_value is not None or self.max_value is not None
        ):
            errors.setdefault("min_value", []).append(
                _("Only numbers and scales have a minimum and maximum.")
            )
        if errors:
            raise ValidationError(errors)

    def condition_error(self, choices: Iterable["Choice"]) -> str:
        """Why these options cannot be this question's condition ("" if they can): they must all belong to
        one earlier single-choice question of the same survey. (A many-to-many value is not there yet when
        clean() runs, so the forms that set it ask here.)"""
        controlling = {choice.question for choice in choices}
        if not controlling:
            return ""
        question = next(iter(controlling))
        if (
            len(controlling) > 1
            or question.survey_id != self.survey_id
            or question.kind != QuestionKind.SINGLE
            or question.position >= self.position
        ):
            return str(
                _("The condition must be options of one earlier single-choice question of this survey.")
            )
        return ""


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(_("key"), max_length=50, help_text=_("Stable identifier used in the exports."))
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_key_unique_per_question"),
            # The target of the answers' composite foreign key (choice, question).
            models.UniqueConstraint(fields=["id", "question"], name="choice_id_question_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Response(models.Model):
    """One person's answers to one survey: an account's, or an anonymous browser's (its cookie key hashed)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # SET_NULL: a deleted account's answers stay in the results, linked to nobody.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    browser = models.CharField(_("anonymous browser"), max_length=BROWSER_KEY_LENGTH, blank=True, default="")
    # Keyed hash of the address block, for abuse handling only; emptied like the suggestions' after the
    # retention period. Never in an export.
    source_address = models.CharField(_("source address (keyed hash)"), max_length=64, blank=True, default="")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="de")
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["survey", "created_at", "id"]
        indexes = [models.Index(fields=["survey", "created_at"], name="response_by_survey_time")]
        constraints = [
            # One response per person, held by the database even when a form is sent twice at once.
            models.UniqueConstraint(
                fields=["survey", "user"], condition=Q(user__isnull=False), name="response_one_per_account"
            ),
            models.UniqueConstraint(
                fields=["survey", "browser"], condition=~Q(browser=""), name="response_one_per_browser"
            ),
            # An account's response is never also a browser's (after deleting the account it is neither's).
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(browser=""), name="response_account_or_browser"
            ),
            # The target of the answers' composite foreign key (response, survey).
            models.UniqueConstraint(fields=["id", "survey"], name="response_id_survey_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


# The PostGIS type a map answer stores, by question kind.
MAP_GEOMETRY_TYPES = {QuestionKind.MAP_POINT: "ST_Point", QuestionKind.MAP_LINE: "ST_LineString"}


def _only(**present: bool) -> Q:
    """The typed value columns of an answer: exactly these are set, the others empty."""
    columns = {
        "choice": Q(choice__isnull=False),
        "text": ~Q(text=""),
        "number": Q(number__isnull=False),
        "boolean": Q(boolean__isnull=False),
        "geom": Q(geom__isnull=False),
    }
    condition = Q()
    for name, q in columns.items():
        condition &= q if present.get(name) else ~q
    return condition


def _geometry_type(name: str) -> In:
    return In(Func("geom", function="ST_GeometryType", output_field=models.CharField()), [name])


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    # Denormalised from the response and the question, so that composite foreign keys can tie them together.
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    kind = models.CharField(_("kind"), max_length=9, choices=QuestionKind.choices)
    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, null=True, blank=True, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True, default="")
    number = models.DecimalField(_("number"), max_digits=12, decimal_places=2, null=True, blank=True)
    boolean = models.BooleanField(_("yes or no"), null=True, blank=True)
    geom = models.GeometryField(_("geometry"), srid=4326, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "choice"], name="answer_by_question_choice")]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=~Q(kind=QuestionKind.MULTIPLE),
                name="answer_one_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "choice"],
                condition=Q(kind=QuestionKind.MULTIPLE),
                name="answer_choice_once",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CHOICE_KINDS) & _only(choice=True))
                | (Q(kind=QuestionKind.TEXT) & _only(text=True))
                | (Q(kind__in=[QuestionKind.NUMBER, QuestionKind.SCALE]) & _only(number=True))
                | (Q(kind=QuestionKind.YES_NO) & _only(boolean=True))
                | (
                    Q(kind=QuestionKind.MAP_POINT)
                    & _only(geom=True)
                    & Q(_geometry_type(MAP_GEOMETRY_TYPES[QuestionKind.MAP_POINT]))
                )
                | (
                    Q(kind=QuestionKind.MAP_LINE)
                    & _only(geom=True)
                    & Q(_geometry_type(MAP_GEOMETRY_TYPES[QuestionKind.MAP_LINE]))
                ),
                name="answer_value_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(geom__isnull=True) | Q(geom__isvalid=True), name="answer_geom_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
