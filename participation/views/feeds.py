"""Atom feeds of what is public: a project's published suggestions (all, one category, around a place) and
one published suggestion's planning status and comments. Django's syndication framework writes the XML;
the selectors (selectors/feeds.py) decide what is in it.

A feed is the same for everyone who asks (no session, no author's view): it is cached publicly like the
OGC API's public pages, varying only by language. A refused address is a page with the reason, in the
reader's language, with the error's status (400 bad parameter, 404 unknown, 410 gone).
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from .. import selectors
from ..errors import DomainError, SuggestionMerged, SuggestionNotFound, UnknownCategory
from ..models import Category, PlanningStatus, Project, Suggestion
from ..selectors import feeds as feed_selectors

# As the OGC API's public pages: readers poll often, and a minute's delay is nothing for news.
FEED_MAX_AGE = 60


@dataclass
class FeedSource:
    """What one feed request is about; built per request (the Feed instance is shared between threads)."""

    project: Project
    title: str
    subtitle: str
    link: str
    feed_url: str
    items: list[Any] = field(default_factory=list)
    # What narrows the project's suggestions, per feed kind.
    category: Category | None = None
    place: feed_selectors.Place | None = None
    district: Any = None  # geo's District (geo/analysis/feeds.py): participation does not import geo


@dataclass(frozen=True, slots=True)
class Entry:
    """A suggestion feed's entry other than the suggestion itself: a status set or a published comment."""

    guid: str
    title: str
    link: str
    description: str
    author_name: str | None
    date: datetime


def author_shown(name: str) -> str:
    """The name as the site shows it: the public name the person gave, else "A participant"."""
    return name or _("A participant")


def detail_url(project: Project, pk: int) -> str:
    return reverse("participation:suggestion-detail", kwargs={"slug": project.slug, "pk": pk})


def refusal(
    request: HttpRequest, message: str, status: int, *, more_url: str | None = None, more_text: str = ""
) -> HttpResponse:
    """The page of a refused feed address: the reason, and where to go instead when there is a place."""
    context = {"message": message, "more_url": more_url, "more_text": more_text}
    return render(request, "participation/feed_refused.html", context, status=status)


class SuggestionsFeed(Feed):
    """Published suggestions, newest first: subclasses say which (get_object returns a FeedSource)."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = super().__call__(request, *args, **kwargs)
        except UnknownCategory as error:
            # A category in the address is a resource that does not exist: 404, with the known keys.
            return refusal(request, error.message, 404)
        except SuggestionMerged as error:
            # Its discussion goes on in the one it was merged into: so does its feed. A merge is final, and
            # a permanent redirect makes feed readers move the subscription there.
            target = Suggestion.objects.filter(pk=error.merged_into).values_list("project__slug", flat=True)
            slug = target.first() or kwargs["slug"]
            return HttpResponsePermanentRedirect(
                reverse("participation:suggestion-feed", kwargs={"slug": slug, "pk": error.merged_into})
            )
        except DomainError as error:
            return self.refused(request, error, **kwargs)
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        # The language comes from Accept-Language or the language cookie.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def refused(self, request: HttpRequest, error: DomainError, **kwargs: Any) -> HttpResponse:
        """The answer to an address that names no feed; a kind of feed may say more (geo's districts)."""
        return refusal(request, error.message, error.status_code)

    def source(self, request: HttpRequest, project: Project, title: str, subtitle: str) -> FeedSource:
        return FeedSource(
            project=project,
            title=title,
            subtitle=subtitle,
            link=reverse("participation:project-map", kwargs={"slug": project.slug}),
            # Its own address without whatever else the query string held (the place feed adds its place).
            feed_url=request.path,
        )

    def suggestions(self, source: FeedSource) -> list[Suggestion]:
        raise NotImplementedError

    def title(self, source: FeedSource) -> str:
        return source.title

    def subtitle(self, source: FeedSource) -> str:
        return source.subtitle

    def link(self, source: FeedSource) -> str:
        return source.link

    def feed_url(self, source: FeedSource) -> str:
        return source.feed_url

    def author_name(self, source: FeedSource) -> str:
        # Atom wants an author for the feed or each entry: the project, as its pages name it.
        return source.project.title

    def items(self, source: FeedSource) -> list[Any]:
        if not source.items:
            categories: dict[int, Category] = {
                c.pk: c for c in selectors.category_list(project=source.project)
            }
            source.items = self.suggestions(source)
            for suggestion in source.items:
                # From the project's read: no query per entry.
                suggestion.project = source.project
                suggestion.feed_category = categories.get(suggestion.category_id)
        return source.items

    def item_title(self, item: Suggestion) -> str:
        return item.title

    def item_description(self, item: Suggestion) -> str:
        # Atom1Feed writes the summary as type="html": the person's text is escaped here, else a reader
        # would render it as HTML.
        return linebreaks(item.text, autoescape=True)

    def item_link(self, item: Suggestion) -> str:
        return detail_url(item.project, item.pk)

    def item_author_name(self, item: Suggestion) -> str:
        return author_shown(item.display_name)

    def item_pubdate(self, item: Suggestion) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Suggestion) -> datetime:
        return max(item.updated_at, item.created_at)

    def item_categories(self, item: Suggestion) -> tuple[str, ...]:
        labels = [str(item.feed_category.label)] if item.feed_category else []
        return (*labels, str(PlanningStatus(item.planning_status).label))


class ProjectFeed(SuggestionsFeed):
    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        project = selectors.project_get(slug=slug)
        return self.source(
            request,
            project,
            _("%(project)s: new suggestions") % {"project": project.title},
            _("The newest published suggestions of %(project)s.") % {"project": project.title},
        )

    def suggestions(self, source: FeedSource) -> list[Suggestion]:
        return feed_selectors.feed_suggestions(project=source.project)


class CategoryFeed(SuggestionsFeed):
    def get_object(self, request: HttpRequest, slug: str, key: str) -> FeedSource:
        project = selectors.project_get(slug=slug)
        category = selectors.category_get(project=project, key=key)
        found = self.source(
            request,
            project,
            _("%(project)s: new suggestions in “%(category)s”")
            % {"project": project.title, "category": category.label},
            _("The newest published suggestions of %(project)s in the category “%(category)s”.")
            % {"project": project.title, "category": category.label},
        )
        found.category = category
        return found

    def suggestions(self, source: FeedSource) -> list[Suggestion]:
        return feed_selectors.feed_suggestions(project=source.project, category=source.category)


class PlaceFeed(SuggestionsFeed):
    """`?lat=<degrees>&lon=<degrees>&radius=<metres>`: suggestions that come within the radius."""

    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        project = selectors.project_get(slug=slug)
        place = feed_selectors.feed_place_parse(
            project=project,
            lat=request.GET.get("lat"),
            lon=request.GET.get("lon"),
            radius=request.GET.get("radius"),
        )
        found = self.source(
            request,
            project,
            _("%(project)s: new suggestions within %(radius)d m of %(lat).5f, %(lon).5f")
            % {"project": project.title, "radius": place.radius_m, "lat": place.lat, "lon": place.lon},
            _("The newest published suggestions of %(project)s around a place.") % {"project": project.title},
        )
        found.place = place
        found.feed_url += "?" + urlencode({"lat": place.lat, "lon": place.lon, "radius": place.radius_m})
        return found

    def suggestions(self, source: FeedSource) -> list[Suggestion]:
        return feed_selectors.feed_suggestions_near(project=source.project, place=source.place)


class SuggestionFeed(SuggestionsFeed):
    """One published suggestion: itself, its planning-status changes, its published comments."""

    def get_object(self, request: HttpRequest, slug: str, pk: int) -> FeedSource:
        # As anyone sees it: a feed is public, its author's own view of a pending one is not.
        suggestion = selectors.suggestion_get_visible(actor=AnonymousUser(), suggestion_id=pk)
        project = suggestion.project
        if project.slug != slug:
            raise SuggestionNotFound()
        page = detail_url(project, suggestion.pk)
        absolute = request.build_absolute_uri(page)
        entries: list[Any] = []
        newest_status = True
        for event in feed_selectors.suggestion_feed_events(suggestion=suggestion):
            if event.kind == "status":
                entries.append(
                    Entry(
                        guid=f"{absolute}#status-{event.pk}",
                        title=_("Planning status: %(status)s")
                        % {"status": PlanningStatus(event.label).label},
                        link=f"{page}#planning-title",
                        # Only the current answer, with the newest status: see suggestion_feed_events.
                        description=(
                            linebreaks(suggestion.official_answer, autoescape=True) if newest_status else ""
                        ),
                        author_name=None,
                        date=event.created_at,
                    )
                )
                newest_status = False
            else:
                name = author_shown(event.label)
                entries.append(
                    Entry(
                        guid=f"{absolute}#comment-{event.pk}",
                        title=_("Comment by %(name)s") % {"name": name},
                        link=f"{page}#comment-{event.pk}",
                        description=linebreaks(event.text, autoescape=True),
                        author_name=name,
                        date=event.created_at,
                    )
                )
        suggestion.feed_category = suggestion.category
        suggestion.feed_guid = absolute
        found = FeedSource(
            project=project,
            title=_("%(suggestion)s: status and comments") % {"suggestion": suggestion.title},
            subtitle=_("What happens to the suggestion “%(suggestion)s” in %(project)s.")
            % {"suggestion": suggestion.title, "project": project.title},
            link=page,
            feed_url=request.path,
            # Newest first; the suggestion itself is the oldest entry.
            items=[*entries, suggestion][: feed_selectors.FEED_ENTRIES],
        )
        return found

    def item_title(self, item: Entry | Suggestion) -> str:
        return item.title

    def item_description(self, item: Entry | Suggestion) -> str:
        if isinstance(item, Entry):
            return item.description
        return super().item_description(item)

    def item_link(self, item: Entry | Suggestion) -> str:
        if isinstance(item, Entry):
            return item.link
        return detail_url(item.project, item.pk)

    def item_guid(self, item: Entry | Suggestion) -> str:
        # The suggestion's own entry: its page's absolute address, as in the project's feeds.
        return item.guid if isinstance(item, Entry) else item.feed_guid

    def item_author_name(self, item: Entry | Suggestion) -> str | None:
        if isinstance(item, Entry):
            return item.author_name
        return super().item_author_name(item)

    def item_pubdate(self, item: Entry | Suggestion) -> datetime:
        return item.date if isinstance(item, Entry) else item.created_at

    def item_updateddate(self, item: Entry | Suggestion) -> datetime:
        return item.date if isinstance(item, Entry) else item.created_at

    def item_categories(self, item: Entry | Suggestion) -> tuple[str, ...]:
        return () if isinstance(item, Entry) else super().item_categories(item)
