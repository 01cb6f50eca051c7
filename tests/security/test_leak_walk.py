"""The leak walk: every URL pattern, as every role, shows only what that role may read.

One project holds published suggestions and, each with a unique marker string, pending, rejected, hidden,
merged and withdrawn ones, pending/rejected/hidden comments, reports with their texts, survey answers, an
anonymous author's name and e-mail address, and a citizen's account e-mail and real name; a second project
and a private one hold their own secrets (tests/security/leak_fixtures.py, whose VISIBLE is the table of who
may read which marker at which view). The walk resolves every pattern of `get_resolver()`, fills its
arguments from that world and GETs every address as anonymous, citizen A (the author), citizen B, the
project's moderator and planner, another project's moderator and planner and a site administrator (pages
with the session, /api/ with the session and with the API token). Every body and header is checked against
the table: no 5xx, no marker where the role may not read it. A URL pattern the walk does not know fails.

Beyond the GETs: counts (lists, map clusters and features, vector tiles, OGC API pages, open data, the
dashboard, comment and support counters) equal the published-only truth; exports for each role that may
start one, and their download links, which need the planner signed in and expire; writes aimed at
unpublished items are refused without a word about them; every mail goes to the author it concerns, with
nobody else's data.

The world is built once for the module and committed (ogr2ogr, which writes the GDAL exports, reads the
database over its own connection); each test runs in its own transaction on top of it, rolled back after it,
and the module ends with a flush, as a transactional test does.
"""

import base64
import io
import json
import zipfile
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.management import call_command
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from geo.models import ExportJob, TileCache
from participation import services
from participation.models import Comment, ModerationState, Report, Suggestion, Support
from participation.notifications import UNSUBSCRIBE_SALT
from tests.geo.test_tiles import read_tile, tile_of

from .leak_fixtures import (
    LINE,
    PHOTO_READERS,
    POINTS,
    PUBLIC,
    ROLES,
    SECRETS,
    SUFFIX,
    World,
    allowed,
    build_world,
    check_markers_are_distinct,
    markers_in,
)

# The module-scoped world is built once: the module stays on one xdist worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("leak-walk")]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, committed once for the module; flushed at its end as a transactional test is."""
    check_markers_are_distinct()
    with django_db_blocker.unblock():
        try:
            yield build_world()
        finally:
            call_command("flush", interactive=False, verbosity=0)


def basic_clients(world: World) -> dict[str, Client]:
    """Per signed-in role: a GIS client with HTTP Basic, the user name and the API token as the password
    (QGIS's "Basic" authentication), from the role's address as in `clients`."""
    made = {}
    for number, role in enumerate(ROLES, start=1):
        if role != "anonymous":
            pair = f"{world.users[role].username}:{world.tokens[role]}".encode()
            made[role] = Client(
                REMOTE_ADDR=f"198.18.7.{number}",
                HTTP_AUTHORIZATION=f"Basic {base64.b64encode(pair).decode()}",
            )
    return made


def view_of(key: str, path: str) -> str:
    """The view a path is judged as: a staff collection's resources (`<slug>-points-staff`, …) are their own
    views (leak_fixtures.STAFF_OGC), so that what staff read there is never allowed in a public collection."""
    parts = path.split("?")[0].split("/")
    if (
        key.startswith("ogcapi:")
        and len(parts) > 3
        and parts[2] == "collections"
        and parts[3].endswith("-staff")
    ):
        return key.replace("ogcapi:", "ogcapi-staff:")
    return key


def clients(world: World) -> dict[str, tuple[Client, Client | None]]:
    """Per role: a browser (signed in with the session) and an API client with the role's token. Each role
    comes from its own address, so per-address limits of one role never refuse another's requests."""
    made = {}
    for number, role in enumerate(ROLES, start=1):
        address = f"198.18.7.{number}"
        session = Client(REMOTE_ADDR=address)
        token = None
        if role != "anonymous":
            session.force_login(world.users[role])
            token = Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        made[role] = (session, token)
    return made


def read(response) -> bytes:
    """Everything a response carries: its body (streamed ones joined, zip members unpacked: XLSX, Shapefile)
    and its headers (file names, filters, redirects)."""
    # A stream is read to its end: the test client then closes the response itself, without the
    # end-of-request signal that would close the test's database connection.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    return body + b"\n" + headers.encode()


# ------------------------------------------------------------------------------------------------ the routes


def url_keys(resolver: URLResolver | None = None, namespace: str = "", prefix: str = "") -> list[str]:
    """Every URL pattern: `namespace:name`, or `namespace:route` for patterns without a name."""
    keys = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            keys += url_keys(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            keys.append(
                f"{namespace}{pattern.name}" if pattern.name else f"{namespace}{prefix}{pattern.pattern}"
            )
    return keys


def tiles(world: World) -> list[tuple[int, int, int]]:
    """Every tile (zoom 0, 10, 14, 18) over a suggestion of the world."""
    anchors = [*POINTS.values(), *LINE]
    return sorted({tile_of(lon, lat, z) for lon, lat in anchors for z in (0, 10, 14, 18)})


def _objects(model: type[Model], world: World) -> list[object]:
    """Whose admin pages to walk: every suggestion, the citizens' accounts, else a few of the model's rows."""
    if model is Suggestion:
        return [s.pk for s in world.suggestions.values()]
    if model is get_user_model():
        return [world.users["citizen_a"].pk, world.users["citizen_b"].pk]
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:3]) or [1]


ADMIN_MODEL_VIEWS = ("changelist", "add", "history", "delete", "change")


def admin_routes(world: World) -> dict[str, list[str]]:
    """The Django admin: the site's own pages and every registered model's pages, for the world's objects."""
    routes = {
        "admin:index": ["/admin/"],
        "admin:login": ["/admin/login/"],
        "admin:logout": ["/admin/logout/"],
        "admin:password_change": ["/admin/password_change/"],
        "admin:password_change_done": ["/admin/password_change/done/"],
        "admin:autocomplete": [
            "/admin/autocomplete/?app_label=participation&model_name=suggestion&term=LEAK"
        ],
        "admin:jsi18n": ["/admin/jsi18n/"],
        "admin:view_on_site": [
            f"/admin/r/{ContentType.objects.get_for_model(Suggestion).pk}/{s.pk}/"
            for s in world.suggestions.values()
        ],
        "admin:app_list": [
            f"/admin/{label}/" for label in sorted({m._meta.app_label for m in admin.site._registry})
        ],
        "admin:admin/(?P<url>.*)$": ["/admin/nowhere/"],
        "admin:auth_user_password_change": [f"/admin/auth/user/{world.users['citizen_a'].pk}/password/"],
    }
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        name = f"admin:{opts.app_label}_{opts.model_name}"
        pks = _objects(model, world)
        routes[f"{name}_changelist"] = [base, f"{base}?q=LEAK", f"{base}?q={SUFFIX}"]
        routes[f"{name}_add"] = [f"{base}add/"]
        for view in ("history", "delete", "change"):
            routes[f"{name}_{view}"] = [f"{base}{pk}/{view}/" for pk in pks]
        routes[f"admin:admin/{opts.app_label}/{opts.model_name}/<path:object_id>/"] = [
            f"{base}{pk}/" for pk in pks
        ]
    return routes


def routes(world: World) -> dict[str, list[str]]:
    """Every URL pattern's addresses, filled from the world: each project, each suggestion in each state."""
    s = world.suggestions
    p, p2, p3 = world.project.slug, world.other.slug, world.private.slug
    slugs = (p, p2, p3)
    items = [(world.slug_of[x.pk], x.pk) for x in s.values()] + [(p, 999_999_999)]
    ids = [pk for _slug, pk in items]
    surveys = [(world.slug_of_survey[survey.pk], survey.slug) for survey in world.surveys.values()] + [
        (p3, "no-such-survey")
    ]
    jobs = [(job.project.slug, str(job.pk)) for job in world.jobs.values()] + [(p, "not-a-job")]
    bbox = "bbox=8.39,48.99,8.41,49.01"
    collections = [f"{slug}-{kind}" for slug in slugs for kind in ("points", "lines", "areas")]
    # The staff collections of every project (for the project's planners and moderators only).
    collections += [f"{c}-staff" for c in collections]
    duplicates = [
        f"/api/v1/projects/{p}/duplicates/?category=charging-station&geometry="
        + json.dumps({"type": "Point", "coordinates": list(xy)}).replace(" ", "")
        for xy in POINTS.values()
    ] + [
        f"/api/v1/projects/{p}/duplicates/?category=bike-path&geometry="
        + json.dumps({"type": "LineString", "coordinates": [list(xy) for xy in LINE]}).replace(" ", "")
    ]
    facilities_nearby = [url.replace("/duplicates/", "/facilities-nearby/") for url in duplicates]
    survey_results = [f"/projects/{slug}/surveys/{survey}/results/" for slug, survey in surveys]
    return {
        "healthz": ["/healthz"],
        **admin_routes(world),
        "api:auth-token": ["/api/v1/auth/token/"],
        "api:altcha-challenge": ["/api/v1/altcha/challenge/"],
        "api:project-list": ["/api/v1/projects/"],
        "api:suggestion-list": [
            f"/api/v1/projects/{slug}/suggestions/{query}"
            for slug in slugs
            for query in ("", f"?{bbox}", "?category=charging-station&limit=1")
        ],
        "api:suggestion-viewport-list": [
            f"/api/v1/projects/{slug}/list/{query}"
            for slug in slugs
            for query in ("", "?mine=true", "?sort=supported", f"?status=received&{bbox}")
        ],
        "api:duplicate-list": duplicates,
        "api:facilities-nearby": facilities_nearby,
        "api:suggestion-detail": [f"/api/v1/suggestions/{pk}/" for pk in ids],
        "api:comment-list": [f"/api/v1/suggestions/{pk}/comments/" for pk in ids],
        "api:support": [f"/api/v1/suggestions/{pk}/support/" for pk in ids],
        "api:report-list": [f"/api/v1/suggestions/{pk}/reports/" for pk in ids],
        "api:suggestion-photo-list": [f"/api/v1/suggestions/{pk}/photos/" for pk in ids],
        "api:comment-photo-list": [
            f"/api/v1/suggestions/{comment.suggestion_id}/comments/{comment.pk}/photos/"
            for comment in world.comments.values()
        ]
        + [f"/api/v1/suggestions/{s['pub1'].pk}/comments/999999999/photos/"],
        "api:photo-file": [
            f"/api/v1/photos/{photo.key}/{rendition}.jpg"
            for photo in world.photos.values()
            for rendition in ("full", "medium", "small")
        ]
        + [
            "/api/v1/photos/AAAAAAAAAAAAAAAAAAAAAA/full.jpg",
            f"/api/v1/photos/{world.photos['public'].key}/x.jpg",
        ],
        "api:project-map-data": [
            f"/api/v1/projects/{slug}/map/?{bbox}&zoom={zoom}{query}"
            for slug in slugs
            for zoom in (3, 12, 18)
            for query in ("", "&status=planned,received")
        ],
        "api:export-job": [f"/api/v1/projects/{slug}/exports/jobs/{job}" for slug, job in jobs],
        "api:export-job-download": [
            f"/api/v1/projects/{slug}/exports/jobs/{job}/download" for slug, job in jobs
        ],
        "api:project-export": [
            f"/api/v1/projects/{slug}/exports/{fmt}" for slug in slugs for fmt in ("geojson", "csv")
        ],
        "api:project-open-data": [
            f"/api/v1/projects/{slug}/open-data/{fmt}" for slug in slugs for fmt in ("geojson", "csv")
        ],
        "schema": ["/api/schema/"],
        "api-docs": ["/api/docs/"],
        "ogcapi:landing": ["/ogcapi", "/ogcapi?f=html"],
        "ogcapi:conformance": ["/ogcapi/conformance"],
        "ogcapi:api": ["/ogcapi/api"],
        "ogcapi:collections": ["/ogcapi/collections", "/ogcapi/collections?f=html"],
        "ogcapi:collection": [f"/ogcapi/collections/{c}{f}" for c in collections for f in ("", "?f=html")],
        "ogcapi:queryables": [
            f"/ogcapi/collections/{c}/queryables{f}" for c in collections for f in ("", "?f=html")
        ],
        "ogcapi:sortables": [
            f"/ogcapi/collections/{c}/sortables{f}" for c in collections for f in ("", "?f=html")
        ],
        "ogcapi:items": [
            f"/ogcapi/collections/{c}/items{q}"
            for c in collections
            for q in (
                "",
                "?f=html",
                f"?{bbox}&limit=2",
                "?filter=support_count%20%3E%3D%200%20OR%20id%20%3E%200",
                "?sortby=-support_count,title&limit=2&properties=title,text,official_answer",
            )
        ],
        # Each suggestion in its own project's collections (JSON and HTML), and the line among the points.
        "ogcapi:item": [
            f"/ogcapi/collections/{slug}-{'lines' if pk == s['pub2'].pk else 'points'}/items/{pk}{f}"
            for slug, pk in items
            for f in ("", "?f=html")
        ]
        + [f"/ogcapi/collections/{p}-points/items/{s['pub2'].pk}"]
        + [
            f"/ogcapi/collections/{slug}-{'lines' if pk == s['pub2'].pk else 'points'}-staff/items/{pk}{f}"
            for slug, pk in items
            for f in ("", "?f=html")
        ],
        "ogcapi:^(?P<path>ogcapi/.*)$": ["/ogcapi/collections/", "/ogcapi/nowhere"],
        "tiles:tile": [f"/tiles/{slug}/{z}/{x}/{y}.pbf" for slug in slugs for z, x, y in tiles(world)],
        "tiles:layer-tile": [
            f"/tiles/{slug}/layers/{layer}/{z}/{x}/{y}.pbf"
            for slug in slugs
            for layer in world.layer_ids
            for z, x, y in tiles(world)
        ],
        "api:context-layer-list": [f"/api/v1/projects/{slug}/layers/" for slug in slugs],
        "api:route": [f"/api/v1/projects/{slug}/route/?points=8.40,49.01;8.41,49.02" for slug in slugs],
        "api:place-search": [f"/api/v1/projects/{slug}/places/?q=stra" for slug in slugs],
        "api:route-network": [f"/api/v1/projects/{slug}/route/network/" for slug in slugs],
        "api:route-streets": [f"/api/v1/projects/{slug}/route/streets/?q=stra" for slug in slugs],
        "api:route-crossings": [
            f"/api/v1/projects/{slug}/route/crossings/?street=Hauptstra%C3%9Fe" for slug in slugs
        ],
        "tiles:tilejson": [f"/tiles/{slug}/tilejson.json" for slug in slugs],
        "tiles:style": [f"/tiles/{slug}/style.json" for slug in slugs],
        "ogcapi:tilesets": ["/ogcapi/tiles", "/ogcapi/tiles?f=html"],
        "ogcapi:tileset": [f"/ogcapi/tiles/{slug}" for slug in slugs] + ["/ogcapi/tiles/no-such-project"],
        "ogcapi:tile-matrix-sets": ["/ogcapi/tileMatrixSets"],
        "ogcapi:tile-matrix-set": ["/ogcapi/tileMatrixSets/WebMercatorQuad", "/ogcapi/tileMatrixSets/Other"],
        "tiles:segment-tile": [
            f"/tiles/{slug}/segments/{z}/{x}/{y}.pbf" for slug in slugs for z, x, y in tiles(world)
        ],
        "set_language": ["/i18n/setlang/"],
        "account_login": ["/accounts/login/"],
        "account_logout": ["/accounts/logout/"],
        "account_inactive": ["/accounts/inactive/"],
        "account_signup": ["/accounts/signup/"],
        "account_reauthenticate": ["/accounts/reauthenticate/"],
        "account_email": ["/accounts/email/"],
        "account_email_verification_sent": ["/accounts/confirm-email/"],
        "account_change_password": ["/accounts/password/change/"],
        "account_set_password": ["/accounts/password/set/"],
        "account_reset_password": ["/accounts/password/reset/"],
        "account_confirm_login_code": ["/accounts/login/code/confirm/"],
        "account_confirm_email": ["/accounts/confirm-email/not-a-key/"],
        "account_reset_password_from_key_done": ["/accounts/password/reset/key/done/"],
        "account_reset_password_from_key": ["/accounts/password/reset/key/1-not-a-key/"],
        "account_reset_password_done": ["/accounts/password/reset/done/"],
        "geo:export": [f"/projects/{slug}/planning/export/" for slug in slugs],
        "geo:coverage": [f"/projects/{slug}/planning/coverage/" for slug in slugs],
        "geo:qgis": [f"/projects/{slug}/planning/qgis/" for slug in slugs],
        "geo:export-job": [f"/projects/{slug}/planning/exports/{job}/" for slug, job in jobs],
        "geo:export-download": [f"/projects/{slug}/planning/exports/{job}/download" for slug, job in jobs],
        "geo:export-style": [
            f"/projects/{slug}/planning/export/styles/{layer}.{fmt}"
            for slug in slugs
            for layer in ("suggestions_points", "suggestions_lines", "comments")
            for fmt in ("qml", "sld", "exe")
        ],
        "surveys:survey": [f"/projects/{slug}/surveys/{survey}/" for slug, survey in surveys],
        "surveys:results": survey_results + [f"{url}?search=LEAK" for url in survey_results],
        "surveys:export-csv": [f"{url}export.csv" for url in survey_results],
        "surveys:export-xlsx": [f"{url}export.xlsx" for url in survey_results],
        "surveys:export-geojson": [f"{url}export.geojson" for url in survey_results],
        "surveys:export-codebook": [f"{url}codebook.csv" for url in survey_results],
        "participation:home": ["/"],
        "frontend:legal-page": [
            f"/legal/{kind}/" for kind in ("imprint", "privacy", "accessibility", "terms")
        ],
        "frontend:javascript-catalogue": ["/jsi18n/de/1.js", "/jsi18n/en/1.js", "/jsi18n/xx/1.js"],
        "frontend:javascript-catalogue-map": ["/jsi18n/de/1.js.map", "/jsi18n/xx/1.js.map"],
        "participation:project-map": [f"/projects/{slug}/" for slug in slugs],
        "participation:project-embed": [f"/embed/{slug}/" for slug in slugs],
        **{
            f"participation:suggestion-{name}": [
                f"/projects/{slug}/suggestions/{pk}/{path}/" for slug, pk in items
            ]
            for name, path in (
                ("support", "support"),
                ("comment", "comments"),
                ("edit", "edit"),
                ("withdraw", "withdraw"),
                ("report", "reports"),
                ("follow", "follow"),
            )
        },
        "participation:suggestion-detail": [f"/projects/{slug}/suggestions/{pk}/" for slug, pk in items]
        # A suggestion under another project's address.
        + [f"/projects/{p2}/suggestions/{s['pending'].pk}/"],
        # The Atom feeds: every project's, each category's (and an unknown one), around each suggestion's
        # place (and a place outside the area), each suggestion's, each district's.
        "participation:project-feed": [f"/projects/{slug}/feed/" for slug in slugs],
        "participation:category-feed": [
            f"/projects/{slug}/feed/categories/{key}/"
            for slug in slugs
            for key in ("charging-station", "bike-path", "no-such")
        ],
        "participation:place-feed": [
            f"/projects/{slug}/feed/place/?lat={lat}&lon={lon}&radius={radius}"
            for slug in slugs
            for lon, lat in (*POINTS.values(), *LINE)
            for radius in (10, 1000)
        ]
        + [f"/projects/{p}/feed/place/?lat=52.5&lon=13.4&radius=1000"],
        # Link preview pictures (no text to find in them: test_preview_pictures_only_of_published_suggestions)
        "participation:project-preview": [f"/projects/{slug}/preview.png" for slug in slugs],
        "participation:suggestion-preview": [
            f"/projects/{slug}/suggestions/{pk}/preview.png?lang=en" for slug, pk in items
        ]
        + [f"/projects/{p2}/suggestions/{s['pub1'].pk}/preview.png"],
        "participation:suggestion-feed": [f"/projects/{slug}/suggestions/{pk}/feed/" for slug, pk in items]
        # A suggestion under another project's address.
        + [f"/projects/{p2}/suggestions/{s['pending'].pk}/feed/"],
        "geo:district-feed": [
            f"/projects/{slug}/feed/districts/{district}/"
            for slug in slugs
            # Its key (leak_fixtures: "Leak district"), its number of before keys (a redirect to the key),
            # unknown numbers and keys, a key of two districts of one name, injection text, an overlong key.
            for district in (
                "leak-district",
                *world.district_ids,
                999_999_999,
                "x",
                "leak-district--1",
                "leak-district%27%20OR%20%271%27=%271",
                "a" * 300,
            )
        ],
        # The results pages: every project's, each decided status's list (its later pages and bad cursors,
        # and a status that is not a decision).
        "participation:project-results": [f"/projects/{slug}/results/" for slug in slugs],
        "participation:project-results-decided": [
            f"/projects/{slug}/results/{status}/{query}"
            for slug in slugs
            for status in ("planned", "implemented", "declined", "received")
            for query in ("", "?after=999999999", "?after=x")
        ],
        # The districts page (their feeds, the form for a district alert); a project without districts: 404.
        "geo:district-alerts": [f"/projects/{slug}/districts/" for slug in slugs],
        "participation:account": ["/account/"],
        "participation:account-data": ["/account/data/"],
        "participation:account-suggestions": ["/account/suggestions/", "/account/suggestions/?page=2"],
        "participation:account-notifications": ["/account/notifications/"],
        "participation:account-delete": ["/account/delete/"],
        # Follows and alerts: the account's own pages; an alert id that is nobody's, or someone else's.
        "participation:account-follows": ["/account/follows/"],
        "participation:alert-new": [f"/projects/{slug}/alerts/new/" for slug in slugs],
        "participation:alert-edit": ["/account/alerts/1/", "/account/alerts/999999999/"],
        "participation:alert-delete": ["/account/alerts/1/delete/", "/account/alerts/999999999/delete/"],
        "participation:contact-confirm": [f"/contact/{world.contact_token}/", "/contact/not-a-token/"],
        "participation:alert-confirm": [
            f"/alerts/confirm/{world.alert_token}/",
            "/alerts/confirm/not-a-token/",
        ],
        "participation:unsubscribe": [
            f"/unsubscribe/{world.unsubscribe_token}/",
            "/unsubscribe/not-a-token/",
        ],
        "participation:moderation-versions": [
            f"/projects/{slug}/moderation/suggestions/{pk}/versions/" for slug, pk in items
        ]
        # A suggestion under another project's address.
        + [f"/projects/{p2}/moderation/suggestions/{s['pending'].pk}/versions/"],
        "participation:planning-dashboard": [f"/projects/{slug}/dashboard/" for slug in slugs],
        "participation:planning-answer": [
            f"/projects/{slug}/planning/suggestions/{pk}/" for slug, pk in items
        ],
        **{
            f"participation:moderation-{page}": [f"/projects/{slug}/moderation/{path}" for slug in slugs]
            for page, path in (
                ("queue", ""),
                ("decide", "decide/"),
                ("bulk", "bulk/"),
                ("merge", "merge/"),
                ("photo-decide", "photos/decide/"),
                ("photo-blur", "photos/blur/"),
            )
        },
    }


# ------------------------------------------------------------------------------------------------- the walk


def test_the_walk_knows_every_url_pattern(world):
    """A new URL pattern must join `routes` above (and VISIBLE, if it shows anything new) before it ships."""
    known = routes(world)
    unknown = [key for key in url_keys() if key not in known]
    stale = [key for key in known if key not in url_keys()]

    assert unknown == [], f"URL patterns the leak walk does not know (add them to routes()): {unknown}"
    assert stale == [], f"routes() names patterns that no longer exist: {stale}"
    assert all(known.values()), [key for key, paths in known.items() if not paths]


def test_every_address_as_every_role_shows_only_what_the_role_may_read(world):
    statuses: dict[str, Counter] = defaultdict(Counter)
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    public_seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    status_of: dict[tuple[str, str], int] = {}
    leaks, errors = [], []
    walked = routes(world)
    basic = basic_clients(world)
    for role, (session, token) in clients(world).items():
        for key, paths in walked.items():
            for path in paths:
                view = view_of(key, path)
                ways = [("session", session)]
                # API clients send their token; GIS clients (the OGC API) the token or Basic with it.
                if token is not None and path.startswith(("/api/", "/ogcapi/")):
                    ways.append(("token", token))
                if role in basic and path.startswith("/ogcapi/"):
                    ways.append(("basic", basic[role]))
                for way, client in ways:
                    response = client.get(path)
                    body = read(response)
                    statuses[role][response.status_code] += 1
                    if way == "session":
                        status_of[(role, path)] = response.status_code
                    else:
                        status_of.setdefault((role, path, way), response.status_code)
                    if response.status_code >= 500:
                        errors.append((role, way, path, response.status_code))
                    found = markers_in(body)
                    seen[(role, view)] |= found
                    public_seen[(role, view)] |= {n for n, m in PUBLIC.items() if m.encode() in body}
                    if found - allowed(role, view):
                        leaks.append(
                            (role, way, path, response.status_code, sorted(found - allowed(role, view)))
                        )
                    # Whatever answers about a staff collection (its 404 too) stays out of every shared cache.
                    if view != key and response.get("Cache-Control") != "private, no-store":
                        leaks.append((role, way, path, "Cache-Control", response.get("Cache-Control")))
    print("\nleak walk, responses per role and status:")
    for role, counted in statuses.items():
        print(f"  {role:16} {dict(sorted(counted.items()))}")

    assert errors == []
    assert leaks == [], "\n".join(map(str, leaks))
    # The walk reads what it must (else it could pass by reading nothing): the public reads show published
    # content, and each secret reaches the readers the table names.
    assert {"pub1-title", "pub2-title", "pub3-title"} <= public_seen[("anonymous", "api:suggestion-list")]
    assert "answer" in public_seen[("anonymous", "participation:suggestion-detail")]
    assert "pub1-title" in public_seen[("anonymous", "tiles:tile")]
    # The feeds show the published suggestions, their official answer, and a district's suggestions.
    for feed in (
        "participation:project-feed",
        "participation:category-feed",
        "participation:place-feed",
        "geo:district-feed",
    ):
        assert {"pub1-title", "pub3-title"} <= public_seen[("anonymous", feed)], feed
    assert "pub2-title" in public_seen[("anonymous", "participation:project-feed")]
    assert {"pub1-title", "answer"} <= public_seen[("anonymous", "participation:suggestion-feed")]
    # The results pages show the planned suggestion with its answer (the hidden declined one nowhere).
    for page in ("participation:project-results", "participation:project-results-decided"):
        assert {"pub1-title", "answer"} <= public_seen[("anonymous", page)], page
    # The style names the public project's categories and public layers only, whoever asks.
    assert status_of[("anonymous", f"/tiles/{world.slug_of[world.suggestions['pub1'].pk]}/style.json")] == 200
    for staff in ("moderator", "planner"):
        assert {"staff-layer-feature"} <= seen[(staff, "tiles:layer-tile")]
        assert {"staff-layer-name"} <= seen[(staff, "api:context-layer-list")]
    assert {"pending-title", "reject-reason", "withdrawn-title"} <= seen[
        ("citizen_a", "participation:suggestion-detail")
    ]
    assert {"pending-title", "rejected-title"} <= seen[("citizen_a", "api:suggestion-viewport-list")]
    assert {"a-email", "hidden-title", "report-text", "pending-comment"} <= seen[
        ("citizen_a", "participation:account-data")
    ]
    assert {
        "pending-title",
        "anon-title",
        "anon-name",
        "pending-comment",
        "report-text",
        "report-comment-text",
    } <= seen[("moderator", "participation:moderation-queue")]
    assert {"other-pending-title"} <= seen[("moderator_other", "participation:moderation-queue")]
    # The queue shows the photos waiting for review: with a waiting suggestion, and alone on a published one.
    assert {"photo-on-pending", "photo-pending-on-pub"} <= seen[
        ("moderator", "participation:moderation-queue")
    ]
    assert {"pending-title", "reject-reason", "hidden-title", "withdrawn-title"} <= seen[
        ("citizen_a", "participation:account-suggestions")
    ]
    assert {"merged-title"} <= seen[("citizen_b", "participation:account-suggestions")]
    assert {"hidden-title", "hidden-text"} <= seen[("moderator", "participation:moderation-versions")]
    # The staff collections: the project's moderators read the hidden ones too, its planners what they
    # work with; other projects' staff read their own project's there.
    assert {"pending-title", "rejected-title", "hidden-title", "anon-title"} <= seen[
        ("moderator", "ogcapi-staff:items")
    ]
    assert {"pending-title", "rejected-title", "anon-title"} <= seen[("planner", "ogcapi-staff:items")]
    assert {"pending-text", "hidden-answer"} <= seen[("moderator", "ogcapi-staff:item")]
    assert {"other-pending-title"} <= seen[("planner_other", "ogcapi-staff:items")]
    assert {"other-pending-title", "other-hidden-title"} <= seen[("moderator_other", "ogcapi-staff:items")]
    assert {"pending-title", "rejected-title"} <= seen[("planner", "participation:planning-answer")]
    assert {"survey-answer"} <= seen[("planner", "surveys:results")]
    assert {"other-survey-answer"} <= seen[("planner_other", "surveys:export-csv")]
    assert {"anon-title"} <= seen[("anonymous", "participation:contact-confirm")]
    # Who opens the pages behind the secrets at all (200); everyone else is sent to sign in or refused.
    slug, pending = world.project.slug, world.suggestions["pending"].pk
    signed_in = set(ROLES) - {"anonymous"}
    for path, readers in {
        f"/projects/{slug}/moderation/": {"moderator", "admin"},
        f"/projects/{slug}/dashboard/": {"planner", "admin"},
        f"/projects/{slug}/planning/export/": {"planner", "admin"},
        f"/projects/{slug}/planning/export/styles/suggestions_points.qml": {"planner", "admin"},
        f"/projects/{slug}/planning/coverage/": {"planner", "admin"},
        f"/projects/{slug}/planning/qgis/": {"moderator", "planner", "admin"},
        f"/projects/{slug}/planning/suggestions/{pending}/": {"planner", "admin"},
        f"/projects/{slug}/surveys/{world.surveys['survey'].slug}/results/": {"planner", "admin"},
        f"/projects/{slug}/suggestions/{pending}/": {"citizen_a"},
        f"/api/v1/suggestions/{pending}/": {"citizen_a"},
        f"/projects/{world.other.slug}/moderation/": {"moderator_other", "admin"},
        f"/ogcapi/collections/{slug}-points-staff/items": {"moderator", "planner", "admin"},
        f"/ogcapi/collections/{slug}-points-staff/items/{pending}": {"moderator", "planner", "admin"},
        f"/projects/{world.private.slug}/": set(),
        f"/embed/{world.private.slug}/": set(),
        "/account/data/": signed_in,
        "/admin/": {"admin"},
    }.items():
        assert {role for role in ROLES if status_of[(role, path)] == 200} == readers, path
    # With the API token and with Basic (the token as the password) the staff collection opens for the same
    # people as with the session; for everyone else it does not exist.
    for way in ("token", "basic"):
        staff_items = f"/ogcapi/collections/{slug}-points-staff/items"
        readers = {role for role in signed_in if status_of[(role, staff_items, way)] == 200}
        assert readers == {"moderator", "planner", "admin"}, way
        assert {status_of[(role, staff_items, way)] for role in signed_in - readers} == {404}, way
    assert {"pending-title", "hidden-title", "a-email", "private-title"} <= set().union(
        *(found for (role, _key), found in seen.items() if role == "admin")
    )
    assert "photo-alt" in public_seen[("anonymous", "api:suggestion-detail")]
    assert "comment-photo-alt" in public_seen[("anonymous", "api:comment-list")]
    assert {"photo-pending-on-pub", "photo-on-pending"} <= seen[("citizen_a", "api:suggestion-detail")]
    assert {"photo-pending-on-pub", "photo-rejected-on-pub"} <= seen[
        ("moderator", "api:suggestion-photo-list")
    ]


def test_photo_files_answer_only_whom_may_see_them(world):
    """Each photo's files as each role: 200 for its readers (PHOTO_READERS), the same 404 for everyone
    else, whether the photo waits, was rejected, or hangs on a hidden suggestion or comment; cached publicly
    only when everyone may see it."""
    wrong = []
    for role, (session, _token) in clients(world).items():
        for name, photo in world.photos.items():
            response = session.get(f"/api/v1/photos/{photo.key}/medium.jpg")
            read(response)
            expected = 200 if role in PHOTO_READERS[name] else 404
            if response.status_code != expected:
                wrong.append((role, name, response.status_code))
            elif expected == 200:
                public = PHOTO_READERS[name] == set(ROLES)
                cache = response["Cache-Control"]
                if cache != ("public, max-age=3600" if public else "private, no-store"):
                    wrong.append((role, name, cache))
    assert wrong == []


def test_preview_pictures_only_of_published_suggestions(world):
    """A suggestion's link preview picture as each role: a public PNG of a published suggestion of a public
    project, the same 404 for every other suggestion and for everyone (its author and staff too: the
    picture is cached publicly and never depends on who asks)."""
    public = {world.project.slug, world.other.slug}
    wrong = []
    for role, (session, _token) in clients(world).items():
        for name, suggestion in world.suggestions.items():
            slug = world.slug_of[suggestion.pk]
            response = session.get(f"/projects/{slug}/suggestions/{suggestion.pk}/preview.png")
            read(response)
            expected = 200 if slug in public and suggestion.pk in world.published[slug] else 404
            if response.status_code != expected:
                wrong.append((role, name, response.status_code))
            elif expected == 200 and (
                response["Content-Type"] != "image/png" or "public" not in response["Cache-Control"]
            ):
                wrong.append((role, name, response["Content-Type"], response["Cache-Control"]))
        for slug in (world.project.slug, world.other.slug, world.private.slug):
            status = session.get(f"/projects/{slug}/preview.png").status_code
            if status != (200 if slug in public else 404):
                wrong.append((role, slug, status))
    assert wrong == []


# ------------------------------------------------------------------------------------- counts and tiles


def published_truth(world: World, slug: str) -> dict[int, tuple[int, int]]:
    """Published suggestion id -> (published comments, supports), counted from the rows."""
    return {
        pk: (
            Comment.objects.filter(suggestion_id=pk, moderation_state=ModerationState.PUBLISHED).count(),
            Support.objects.filter(suggestion_id=pk).count(),
        )
        for pk in world.published[slug]
    }


def test_every_count_is_the_published_truth(world, monkeypatch, tmp_path):
    slug = world.project.slug
    truth = published_truth(world, slug)
    assert len(truth) == 3  # pub1, pub2 (a line), pub3: hidden, merged, withdrawn and the rest count nowhere
    anonymous, planner = Client(), Client()
    planner.force_login(world.users["planner"])
    whole = "bbox=8.30,48.95,8.50,49.05"

    collection = anonymous.get(f"/api/v1/projects/{slug}/suggestions/").json()
    assert collection["numberReturned"] == len(truth)
    assert {
        f["id"]: (f["properties"]["comment_count"], f["properties"]["support_count"])
        for f in collection["features"]
    } == truth

    listed = anonymous.get(f"/api/v1/projects/{slug}/list/").json()
    assert {r["id"]: (r["comment_count"], r["support_count"]) for r in listed["results"]} == truth
    assert listed["next"] is None

    features = anonymous.get(f"/api/v1/projects/{slug}/map/?{whole}&zoom=16").json()
    assert (features["mode"], {f["id"] for f in features["features"]}) == ("features", set(truth))
    monkeypatch.setattr("geo.selectors.FEATURE_THRESHOLD", 0)  # clusters from the first suggestion on
    clusters = anonymous.get(f"/api/v1/projects/{slug}/map/?{whole}&zoom=12").json()
    assert clusters["mode"] == "clusters"
    assert clusters["total"] == sum(f["properties"]["count"] for f in clusters["features"]) == len(truth)
    per_category = Counter()
    for feature in clusters["features"]:
        per_category.update(feature["properties"]["categories"])
    assert per_category == {"charging-station": 2, "bike-path": 1}

    for kind, expected in (("points", 2), ("lines", 1)):
        items = anonymous.get(f"/ogcapi/collections/{slug}-{kind}/items").json()
        assert items["numberReturned"] == len(items["features"]) == expected
        assert items.get("numberMatched", expected) == expected
        assert {f["id"] for f in items["features"]} <= set(truth)
        assert all(
            (f["properties"]["comment_count"], f["properties"]["support_count"]) == truth[f["id"]]
            for f in items["features"]
        )
    collections = {c["id"] for c in anonymous.get("/ogcapi/collections").json()["collections"]}
    assert f"{slug}-points" in collections
    assert not any(c.startswith(world.private.slug) for c in collections)
    assert world.private.slug not in {p["slug"] for p in anonymous.get("/api/v1/projects/").json()}

    open_data = json.loads(
        read(anonymous.get(f"/api/v1/projects/{slug}/open-data/geojson")).split(b"\n\n")[0]
    )
    assert {f["id"] for f in open_data["features"]} == set(truth)

    dashboard = planner.get(f"/projects/{slug}/dashboard/")
    assert dashboard.context["total"] == len(truth)
    assert {c.key: c.count for c in dashboard.context["by_category"]} == {
        "charging-station": 2,
        "bike-path": 1,
    }
    assert sum(s.count for s in dashboard.context["by_status"]) == len(truth)
    assert {s.pk for s in dashboard.context["top"]} == set(truth)

    results = anonymous.get(f"/projects/{slug}/results/").context["results"]
    assert results.total.suggestions == len(truth)
    assert results.total.comments == sum(comments for comments, _supports in truth.values())
    assert results.total.supports == sum(supports for _comments, supports in truth.values())
    assert {row.key: row.figures.suggestions for row in results.by_category} == {
        "charging-station": 2,
        "bike-path": 1,
    }
    assert sum(row.figures.suggestions for row in results.by_status) == len(truth)
    assert sum(row.count for row in results.periods) == len(truth)
    decided = {group.status: [item.id for item in group.items] for group in results.decided}
    assert decided == {"planned": [world.suggestions["pub1"].pk], "implemented": [], "declined": []}
    assert {shape.id for shape in (*results.map.points, *results.map.paths)} == {world.suggestions["pub1"].pk}

    # The thread shows published comments under published parents; the counter counts published comments
    # (a published reply under a hidden parent is counted, not shown: see the report of the leak walk).
    pub1 = world.suggestions["pub1"].pk
    thread = anonymous.get(f"/api/v1/suggestions/{pub1}/comments/").json()
    shown = [c["id"] for c in thread] + [r["id"] for c in thread for r in c["replies"]]
    assert sorted(shown) == sorted([world.comments["published"].pk, world.comments["reply"].pk])

    # Vector tiles, read back with GDAL: the published suggestions, then their clusters.
    z, x, y = tile_of(*POINTS["pub1"], 14)
    tile = anonymous.get(f"/tiles/{slug}/{z}/{x}/{y}.pbf")
    layers = read_tile(tile.content, (z, x, y), tmp_path)
    assert {int(f["id"]) for f in layers["suggestions"]} == set(truth)
    monkeypatch.setattr("geo.tiles.selectors.FEATURE_THRESHOLD", 0)
    TileCache.objects.all().delete()
    z, x, y = tile_of(*POINTS["pub1"], 10)
    layers = read_tile(anonymous.get(f"/tiles/{slug}/{z}/{x}/{y}.pbf").content, (z, x, y), tmp_path)
    assert sum(int(f["count"]) for f in layers["clusters"]) == len(truth)


def test_a_suggestion_hidden_after_it_was_read_leaves_every_public_read(world, tmp_path):
    """Tiles are cached and clusters aggregated: hiding must reach both in its own transaction."""
    slug, pub1 = world.project.slug, world.suggestions["pub1"]
    title = PUBLIC["pub1-title"].encode()
    anonymous = Client()
    z, x, y = tile_of(*POINTS["pub1"], 18)
    reads = [
        f"/tiles/{slug}/{z}/{x}/{y}.pbf",
        f"/api/v1/projects/{slug}/map/?bbox=8.39,48.99,8.41,49.01&zoom=16",
        f"/api/v1/projects/{slug}/suggestions/",
        f"/api/v1/projects/{slug}/list/",
        f"/ogcapi/collections/{slug}-points/items",
        f"/api/v1/projects/{slug}/open-data/csv",
        f"/projects/{slug}/suggestions/{pub1.pk}/",
    ]
    assert all(title in read(anonymous.get(path)) for path in reads)

    services.item_decide(
        actor=world.users["moderator"],
        decision=services.Decision("suggestion", pub1.pk, ModerationState.PUBLISHED),
        action="hide",
    )

    assert [path for path in reads if title in read(anonymous.get(path))] == []
    # The cached tile went with it: rebuilt, it holds the line that crosses the same spot, not the point.
    layers = read_tile(anonymous.get(reads[0]).content, (z, x, y), tmp_path)
    assert [int(f["id"]) for f in layers["suggestions"]] == [world.suggestions["pub2"].pk]
    assert anonymous.get(f"/ogcapi/collections/{slug}-points/items/{pub1.pk}").status_code == 404
    assert anonymous.get(f"/api/v1/suggestions/{pub1.pk}/").status_code == 410
    assert anonymous.get(f"/api/v1/suggestions/{pub1.pk}/comments/").status_code == 410


# -------------------------------------------------------------------------------------------------- exports

# Whatever the filters, an export never holds these (hidden, merged, withdrawn suggestions; names, addresses,
# reports, moderators' reasons), not even a site administrator's.
NEVER_EXPORTED = {
    "hidden-title",
    "merged-title",
    "withdrawn-title",
    "anon-name",
    "anon-email",
    "alert-email",
    "alert-name",
    "a-email",
    "a-first-name",
    "address-hash",
    "report-text",
    "reject-reason",
    "hidden-comment",
    "pending-comment",
    "rejected-comment",
}
FORMATS = ("geojson", "csv", "kml", "shp", "xlsx", "gpkg")


def test_exports_hold_what_planners_may_read_and_start_for_planners_only(world, settings, tmp_path):
    settings.EXPORT_ROOT = tmp_path / "exports"
    slug = world.project.slug
    every_state = "?state=published,pending,rejected"
    made = clients(world)
    for role in ("anonymous", "citizen_a", "citizen_b", "moderator", "moderator_other", "planner_other"):
        for client in filter(None, made[role]):
            response = client.post(f"/api/v1/projects/{slug}/exports/geojson{every_state}")
            assert response.status_code in (401, 403), (role, response.status_code)
            assert markers_in(read(response)) - allowed(role, "api:project-export") == set()
        page = made[role][0].post(f"/projects/{slug}/planning/export/", {"format": "csv", "state": "pending"})
        assert page.status_code in (302, 403), (role, page.status_code)
        assert markers_in(read(page)) - allowed(role, "geo:export") == set()

    for role in ("planner", "admin"):
        session, token = made[role]
        for fmt in FORMATS:
            for query in ("", every_state):
                response = token.post(f"/api/v1/projects/{slug}/exports/{fmt}{query}")
                assert response.status_code == 200, (role, fmt, response.status_code)
                found = markers_in(read(response))
                assert found <= allowed(role, "api:project-export"), (role, fmt, found)
                assert found & NEVER_EXPORTED == set(), (role, fmt, found)
                waiting = {"pending-title", "pending-text", "rejected-title", "anon-title"}
                assert waiting <= found if query else not found & waiting, (role, fmt, query, found)
        page = session.post(f"/projects/{slug}/planning/export/", {"format": "csv", "state": ["pending"]})
        assert page.status_code == 200
        assert markers_in(read(page)) & NEVER_EXPORTED == set()
    # The GeoPackage's comments table holds published comments only.
    gpkg = read(made["planner"][1].post(f"/api/v1/projects/{slug}/exports/gpkg"))
    assert b"A fine idea, says Bert." in gpkg


def test_a_download_link_needs_the_projects_planner_signed_in_and_expires(
    world, settings, tmp_path, run_worker, django_capture_on_commit_callbacks
):
    settings.EXPORT_ROOT = tmp_path / "exports"
    settings.EXPORT_INLINE_MAX_FEATURES = 0  # every GDAL file is a job for the worker
    slug, other = world.project.slug, world.other.slug
    made = clients(world)
    planner = made["planner"][1]
    with django_capture_on_commit_callbacks(execute=True):
        started = planner.post(f"/api/v1/projects/{slug}/exports/gpkg?state=published,pending")
    assert started.status_code == 202
    assert run_worker() == 0
    job = planner.get(started["Location"]).json()
    assert job["state"] == "done"
    api_link = job["download_url"]
    page_link = f"/projects/{slug}/planning/exports/{job['id']}/download"
    file = read(planner.get(api_link))
    assert (
        {"pending-title", "anon-title"} <= markers_in(file) <= allowed("planner", "api:export-job-download")
    )
    assert markers_in(read(made["planner"][0].get(page_link))) == markers_in(file)

    refusals = {
        "anonymous": (401, 302),
        "citizen_a": (403, 403),
        "moderator": (403, 403),
        "planner_other": (403, 403),
    }
    for role, (api_status, page_status) in refusals.items():
        session, token = made[role]
        for client, link, status in (
            (token or session, api_link, api_status),
            (session, page_link, page_status),
        ):
            response = client.get(link)
            assert response.status_code == status, (role, link, response.status_code)
            assert markers_in(read(response)) - allowed(role, "geo:export-job") == set()
    # Under the other project's address the job does not exist, not even for that project's planner.
    for link in (api_link, page_link):
        assert made["planner_other"][0].get(link.replace(f"/{slug}/", f"/{other}/")).status_code == 404

    ExportJob.objects.filter(pk=job["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    for client, link in ((planner, api_link), (made["planner"][0], page_link)):
        expired = client.get(link)
        assert expired.status_code == 410
        assert markers_in(read(expired)) == set()


# ----------------------------------------------------------------------------------------- writes and mails

UNPUBLISHED = (
    "pending",
    "rejected",
    "hidden",
    "merged",
    "withdrawn",
    "anon",
    "other_pending",
    "other_hidden",
)


def test_writes_aimed_at_unpublished_items_are_refused_and_tell_nothing(world):
    rows = (Comment.objects.count(), Support.objects.count(), Report.objects.count())
    made = clients(world)
    pub1 = world.suggestions["pub1"].pk
    c = world.comments
    merged_into = f"/projects/{world.project.slug}/suggestions/{world.suggestions['pub3'].pk}/"
    for role in ("anonymous", "citizen_b", "moderator_other", "planner"):
        session, token = made[role]
        api = token or session
        probes = []
        for name in (*UNPUBLISHED, "private_pub"):
            pk = world.suggestions[name].pk
            slug = world.slug_of[pk]
            probes += [
                ("api:support", api, f"/api/v1/suggestions/{pk}/support/", {}),
                ("api:comment-list", api, f"/api/v1/suggestions/{pk}/comments/", {"text": "Hallo"}),
                ("api:report-list", api, f"/api/v1/suggestions/{pk}/reports/", {"reason": "spam"}),
                (
                    "participation:suggestion-support",
                    session,
                    f"/projects/{slug}/suggestions/{pk}/support/",
                    {},
                ),
                (
                    "participation:suggestion-comment",
                    session,
                    f"/projects/{slug}/suggestions/{pk}/comments/",
                    {"text": "Hallo"},
                ),
                (
                    "participation:suggestion-report",
                    session,
                    f"/projects/{slug}/suggestions/{pk}/reports/",
                    {"reason": "spam"},
                ),
            ]
        # Replies to and reports of comments that are not published, on a published suggestion.
        for comment in (c["pending"], c["rejected"], c["hidden"]):
            probes += [
                (
                    "api:comment-list",
                    api,
                    f"/api/v1/suggestions/{pub1}/comments/",
                    {"text": "Re", "parent": comment.pk},
                ),
                (
                    "api:report-list",
                    api,
                    f"/api/v1/suggestions/{pub1}/reports/",
                    {"reason": "spam", "comment": comment.pk},
                ),
            ]
        for key, client, path, data in probes:
            is_api = path.startswith("/api/")
            response = (
                client.post(path, data, content_type="application/json")
                if is_api
                else client.post(path, data)
            )
            body = read(response)
            if is_api:
                assert 400 <= response.status_code < 500, (role, path, data, response.status_code)
            else:  # a page: shown again with its message, or sign in first
                assert response.status_code in (302, 400, 403, 404, 409, 410), (
                    role,
                    path,
                    response.status_code,
                )
                # Redirects lead to the sign-in, or from a merged suggestion to the one it went into.
                location = response.get("Location", "")
                assert response.status_code != 302 or location.startswith(("/accounts/login/", merged_into))
            assert markers_in(body) - allowed(role, key) == set(), (role, path, markers_in(body))
    assert (Comment.objects.count(), Support.objects.count(), Report.objects.count()) == rows


# What a mail to each author may carry: their own suggestions (told while they were published, before any
# hiding), the moderators' reason for rejecting theirs, and their own address; an anonymous author's
# confirmation mail carries nothing anyone wrote, not even their title.
MAIL_MAY_CARRY = {
    "citizen_a": {
        "pending-title",
        "rejected-title",
        "reject-reason",
        "hidden-title",
        "hidden-answer",
        "withdrawn-title",
        "a-email",
    },
    "citizen_b": {"merged-title", "other-hidden-title", "b-email"},
    "anonymous author": {"anon-email"},
    "alert subscriber": {"alert-email"},
}


def test_every_mail_goes_to_the_author_it_concerns_with_nobody_elses_data(world, run_worker, mailoutbox):
    # One more decision, through the moderation page: it queues the approval of A's pending suggestion.
    moderator = clients(world)["moderator"][0]
    pending = world.suggestions["pending"]
    decided = moderator.post(
        f"/projects/{world.project.slug}/moderation/decide/",
        {"kind": "suggestion", "pk": pending.pk, "seen_state": "pending", "action": "approve"},
    )
    assert decided.status_code == 302

    assert run_worker() == 0

    owners = {
        SECRETS["a-email"]: ("citizen_a", ["user", world.users["citizen_a"].pk]),
        SECRETS["b-email"]: ("citizen_b", ["user", world.users["citizen_b"].pk]),
        SECRETS["anon-email"]: ("anonymous author", None),
        SECRETS["alert-email"]: ("alert subscriber", None),
    }
    carried: dict[str, set[str]] = defaultdict(set)
    for message in mailoutbox:
        assert (len(message.to), message.cc, message.bcc) == (1, [], []), message.to
        assert message.to[0] in owners, f"a mail to someone it does not concern: {message.to}"
        owner, unsubscribes = owners[message.to[0]]
        text = "\n".join(
            [message.subject, message.body, *(str(v) for v in message.extra_headers.values())]
            + [content for content, _type in getattr(message, "alternatives", [])]
        )
        found = markers_in(text.encode())
        assert found <= MAIL_MAY_CARRY[owner], (owner, message.subject, found - MAIL_MAY_CARRY[owner])
        carried[owner] |= found
        if (
            "List-Unsubscribe" in message.extra_headers
        ):  # the link stops this recipient's mails, nobody else's
            token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").rsplit("/", 1)[-1]
            assert list(signing.loads(token, salt=UNSUBSCRIBE_SALT)) == unsubscribes
    # Each kind of mail went out: approvals, the rejection with its reason, an answer, a merge, the
    # confirmation of an anonymous author's address.
    assert {"pending-title", "rejected-title", "reject-reason", "hidden-answer"} <= carried["citizen_a"]
    assert "merged-title" in carried["citizen_b"]
    assert {"anonymous author", "alert subscriber"} <= {owners[m.to[0]][0] for m in mailoutbox}
