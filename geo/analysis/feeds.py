"""The Atom feed of a district's published suggestions: participation's feeds (participation/views/feeds.py)
narrowed by the coverage analysis, which knows each suggestion's district (geo/analysis/models.py)."""

from django.http import HttpRequest
from django.utils.translation import gettext as _

from participation import selectors as participation_selectors
from participation.models import Suggestion
from participation.views.feeds import FeedSource, SuggestionsFeed

from .selectors import district_feed_suggestions, district_public_get


class DistrictFeed(SuggestionsFeed):
    """`/projects/<slug>/feed/districts/<id>/`: the id is the district's in the `<slug>-districts`
    collection of the OGC API (its feature id)."""

    def get_object(self, request: HttpRequest, slug: str, district: str) -> FeedSource:
        project = participation_selectors.project_get(slug=slug)
        found_district = district_public_get(project=project, district_id=district)
        found = self.source(
            request,
            project,
            _("%(project)s: new suggestions in %(district)s")
            % {"project": project.title, "district": found_district.name},
            _("The newest published suggestions of %(project)s in the district %(district)s.")
            % {"project": project.title, "district": found_district.name},
        )
        found.district = found_district
        return found

    def suggestions(self, source: FeedSource) -> list[Suggestion]:
        return district_feed_suggestions(project=source.project, district=source.district)
