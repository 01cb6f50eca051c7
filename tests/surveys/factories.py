"""Factories for surveys (beside tests/factories.py, which holds the participation ones)."""

from datetime import timedelta

import factory
from django.utils import timezone

from surveys.models import Choice, Question, Survey
from tests.factories import ProjectFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    project = factory.SubFactory(ProjectFactory)
    slug = factory.Sequence(lambda n: f"survey-{n}")
    title_de = factory.Sequence(lambda n: f"Umfrage {n}")
    title_en = factory.Sequence(lambda n: f"Survey {n}")
    introduction_de = "Bitte beantworten Sie ein paar Fragen."
    introduction_en = "Please answer a few questions."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    allow_anonymous = True


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True  # the hook sets a many-to-many value: nothing of the row changes

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = "text"
    text_de = factory.Sequence(lambda n: f"Frage {n}?")
    text_en = factory.Sequence(lambda n: f"Question {n}?")
    required = False

    @factory.post_generation
    def show_if_choices(self, create, extracted, **kwargs):
        """Options of an earlier single-choice question; the question is shown if any of them is chosen."""
        if create and extracted:
            self.show_if_choices.set(extracted)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, kind="single")
    position = factory.Sequence(lambda n: n)
    key = factory.Sequence(lambda n: f"option-{n}")
    label_de = factory.Sequence(lambda n: f"Option {n}")
    label_en = factory.Sequence(lambda n: f"Option {n}")


def choice_question(survey, *, kind="single", keys=("a", "b", "c"), **fields):
    """A choice question with options labelled after their keys (A, B, C)."""
    question = QuestionFactory(survey=survey, kind=kind, **fields)
    for position, key in enumerate(keys):
        ChoiceFactory(
            question=question, position=position, key=key, label_de=key.upper(), label_en=key.upper()
        )
    return question
