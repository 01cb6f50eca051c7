from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    # Surveys, questions (map questions included), responses and their exports arrive with the surveys issue.
    name = "surveys"
    verbose_name = _("Surveys")
