"""`{% project_surveys project as surveys %}`: the project's open surveys, for the map page to link to.

A template tag rather than a change to the map view: the map stays independent of surveys, and a project
without surveys costs one small query.
"""

from django import template

from participation.models import Project

from ..models import Survey
from ..selectors import survey_list, survey_list_open

register = template.Library()


@register.simple_tag
def project_surveys(project: Project) -> list[Survey]:
    return list(survey_list_open(project=project))


@register.simple_tag
def project_survey_results(project: Project) -> list[Survey]:
    """Every survey of the project, open or not, for the planner dashboard's links to their results."""
    return list(survey_list(project=project))
