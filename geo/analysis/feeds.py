"""The Atom feed of a district's published suggestions: participation's feeds (participation/views/feeds.py)
narrowed by the coverage analysis, which knows each suggestion's district (geo/analysis/models.py)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from config.errors import DomainError
from participation import selectors as participation_selectors
from participation.models import Suggestion
from participation.views.feeds import FeedSource, SuggestionsFeed, refusal

from .errors import DistrictFeedGone, DistrictFeedMoved
from .selectors import district_feed_find, district_feed_suggestions


class DistrictFeed(SuggestionsFeed):
    """`/projects/<slug>/feed/districts/<key>/`: the key is the district's name as an address spells it,
    which stays the same when the districts layer is imported again (geo/analysis/district_keys.py). An
    older address (the feature's number, from before keys) is redirected permanently while it leads to a
    district, so feed readers move their subscription to the key."""

    def refused(self, request: HttpRequest, error: DomainError, **kwargs: Any) -> HttpResponse:
        slug = kwargs["slug"]
        if isinstance(error, DistrictFeedMoved):
            return HttpResponsePermanentRedirect(
                reverse("geo:district-feed", kwargs={"slug": slug, "district": error.key})
            )
        if isinstance(error, DistrictFeedGone) and error.listed:
            # The way to the district's current address, when the project shows its districts.
            page = reverse("geo:district-alerts", kwargs={"slug": slug})
            return refusal(
                request,
                error.message,
                error.status_code,
                more_url=page,
                more_text=_("All districts and their feeds"),
            )
        return super().refused(request, error, **kwargs)

    def get_object(self, request: HttpRequest, slug: str, district: str) -> FeedSource:
        project = participation_selectors.project_get(slug=slug)
        found_district = district_feed_find(project=project, key=district)
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
