"""Every page the site serves carries the production security headers: a strict Content-Security-Policy, HSTS,
nosniff, a referrer policy and no framing; and the session and CSRF cookies are Secure (the session's also
HttpOnly). The walk is checked against the URL patterns, so a new page that is not walked fails here."""

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Polygon
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from geo.analysis.services import analysis_rebuild
from geo.layers.models import ContextFeature, ContextLayer
from geo.models import ExportJob
from participation.models import ModerationState, Project, StaffRole
from tests.factories import PhotoFactory, ProjectRoleFactory, SuggestionFactory
from tests.surveys.factories import SurveyFactory

pytestmark = pytest.mark.django_db

HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}

# Patterns that serve no HTML page of their own, with the reason; every other named pattern must be walked.
NOT_PAGES = {
    "healthz": "plain text for the container runtime",
    "schema": "the OpenAPI document (YAML/JSON)",
    "set_language": "POST only: switches the language and redirects",
    "participation:home": "redirects to the only project of this site (the list needs two; same frame)",
    "participation:suggestion-support": "POST only (the detail page's form)",
    "participation:suggestion-follow": "POST only (the detail page's form)",
    "participation:alert-delete": "POST only (the account's list of alerts)",
    "participation:alert-edit": "the same page as alert-new, for an alert of the account",
    "participation:suggestion-comment": "POST only (the detail page's form)",
    "participation:suggestion-report": "POST only (the detail page's form)",
    "participation:suggestion-withdraw": "POST only (the edit page's form)",
    "participation:account-data": "a JSON file download",
    "participation:moderation-decide": "POST only (the queue's forms)",
    "participation:moderation-bulk": "POST only (the queue's forms)",
    "participation:moderation-merge": "POST only (the queue's forms)",
    "participation:moderation-photo-decide": "POST only (the queue's and versions page's photo forms)",
    "participation:moderation-photo-blur": "POST only, answered as JSON (the blur dialog)",
    "geo:export-download": "a file download",
    "geo:export-style": "a file download (a layer's QGIS style or SLD)",
    "surveys:export-csv": "a file download",
    "surveys:export-xlsx": "a file download",
    "surveys:export-geojson": "a file download",
    "surveys:export-codebook": "a file download",
    "ogcapi:conformance": "walked as HTML with ?f=html",
    "ogcapi:api": "the OpenAPI document of /ogcapi",
    "tiles:tile": "Mapbox vector tiles for QGIS and the map",
    "tiles:layer-tile": "a context layer's Mapbox vector tiles, for the map and QGIS",
    "tiles:segment-tile": "street segments' demand as Mapbox vector tiles, for the coverage page and QGIS",
    "tiles:tilejson": "the tiles' TileJSON (JSON, for QGIS and web maps)",
    "tiles:style": "the tiles' Mapbox GL style (JSON, for QGIS and web maps)",
    "ogcapi:tilesets": "OGC API – Tiles' tilesets list (JSON only)",
    "ogcapi:tileset": "OGC API – Tiles' tileset metadata (JSON only)",
    "ogcapi:tile-matrix-sets": "OGC API – Tiles' tiling schemes (JSON only)",
    "ogcapi:tile-matrix-set": "the WebMercatorQuad tile matrix set (JSON only)",
    "frontend:javascript-catalogue": "the scripts' texts as a script (tests/frontend/test_script_texts.py)",
    "frontend:javascript-catalogue-map": "that script's source map (JSON)",
    "participation:project-feed": "an Atom feed (test_feeds_and_their_refusals_carry_the_headers)",
    "participation:category-feed": "an Atom feed (test_feeds_and_their_refusals_carry_the_headers)",
    "participation:place-feed": "an Atom feed (test_feeds_and_their_refusals_carry_the_headers)",
    "participation:suggestion-feed": "an Atom feed (test_feeds_and_their_refusals_carry_the_headers)",
    "geo:district-feed": "an Atom feed (test_feeds_and_their_refusals_carry_the_headers)",
    "participation:project-preview": "a PNG (test_preview_pictures_carry_the_headers)",
    "participation:suggestion-preview": "a PNG (test_preview_pictures_carry_the_headers)",
}


@pytest.fixture
def site(project, point_category, citizen, planner, moderator, superuser):
    ProjectRoleFactory(project=project, user=moderator, role=StaffRole.PLANNER)
    published = SuggestionFactory(category=point_category, author=citizen, title="Ladesäule am Markt")
    pending = SuggestionFactory(
        category=point_category, author=citizen, moderation_state=ModerationState.PENDING
    )
    survey = SurveyFactory(project=project, slug="mobility")
    job = ExportJob.objects.create(
        project=project, requested_by=planner, format="gpkg", expires_at=timezone.now() + timedelta(hours=1)
    )
    photo = PhotoFactory(suggestion=published)
    # A public districts layer: the districts page (feeds, district alerts) exists.
    districts = ContextLayer.objects.create(project=project, name="Stadtteile", role="districts")
    ContextFeature.objects.create(
        layer=districts, geom=Polygon.from_bbox((8.35, 48.98, 8.45, 49.02)), properties={"name": "Mitte"}
    )
    analysis_rebuild(project_id=project.pk)
    return {
        "project": project,
        "suggestion": published,
        "pending": pending,
        "survey": survey,
        "job": job,
        "photo": photo,
    }


def pages(site, users):
    """(who, path) of every HTML page: public, citizen, moderator, planner and admin pages."""
    slug, pk = site["project"].slug, site["suggestion"].pk
    survey = f"/projects/{slug}/surveys/{site['survey'].slug}/"
    return [
        (None, f"/projects/{slug}/"),
        (None, f"/embed/{slug}/"),  # a project without origins: framed nowhere, like every page
        (None, "/embed/no-such-project/"),
        (None, f"/projects/{slug}/suggestions/{pk}/"),
        (None, f"/projects/{slug}/results/"),
        (None, f"/projects/{slug}/results/planned/"),
        (None, f"/projects/{slug}/results/no-such-status/"),  # refused: 404 with the reason
        (None, "/projects/no-such-project/"),  # the 404 page
        (None, "/nowhere/"),  # Django's 404 handler with our template
        (None, survey),
        (None, "/contact/not-a-valid-token/"),
        (None, "/alerts/confirm/not-a-valid-token/"),
        (None, "/unsubscribe/not-a-valid-token/"),
        (None, "/accounts/login/"),
        (None, "/accounts/signup/"),
        (None, "/accounts/password/reset/"),
        (None, "/legal/privacy/"),
        (None, "/ogcapi?f=html"),
        (None, "/ogcapi/conformance?f=html"),
        (None, "/ogcapi/collections?f=html"),
        (None, f"/ogcapi/collections/{slug}-points?f=html"),
        (None, f"/ogcapi/collections/{slug}-points/items?f=html"),
        (None, f"/ogcapi/collections/{slug}-points/queryables?f=html"),
        (None, f"/ogcapi/collections/{slug}-points/sortables?f=html"),
        (None, f"/ogcapi/collections/{slug}-points/items/{pk}?f=html"),
        (None, "/api/docs/"),
        ("citizen", "/account/"),
        ("citizen", "/account/notifications/"),
        ("citizen", "/account/follows/"),
        ("citizen", f"/projects/{slug}/alerts/new/"),
        (None, f"/projects/{slug}/districts/"),
        ("citizen", f"/projects/{slug}/districts/"),
        ("citizen", "/account/suggestions/"),
        ("citizen", "/account/delete/"),
        ("citizen", f"/projects/{slug}/suggestions/{site['pending'].pk}/edit/"),
        ("moderator", f"/projects/{slug}/moderation/"),
        ("moderator", f"/projects/{slug}/moderation/suggestions/{pk}/versions/"),
        ("planner", f"/projects/{slug}/dashboard/"),
        ("planner", f"/projects/{slug}/planning/suggestions/{pk}/"),
        ("planner", f"/projects/{slug}/planning/export/"),
        ("planner", f"/projects/{slug}/planning/coverage/"),
        ("planner", f"/projects/{slug}/planning/qgis/"),
        ("moderator", f"/ogcapi/collections/{slug}-points-staff?f=html"),
        ("moderator", f"/ogcapi/collections/{slug}-points-staff/items?f=html"),
        ("moderator", f"/ogcapi/collections/{slug}-points-staff/queryables?f=html"),
        ("moderator", f"/ogcapi/collections/{slug}-points-staff/items/{site['pending'].pk}?f=html"),
        ("planner", f"/projects/{slug}/planning/exports/{site['job'].pk}/"),
        ("planner", f"{survey}results/"),
        (None, "/admin/login/"),
        ("superuser", "/admin/"),
        ("superuser", f"/admin/participation/project/{site['project'].pk}/change/"),  # Leaflet widget
        ("superuser", f"/admin/participation/suggestion/{pk}/change/"),
        ("superuser", "/admin/participation/suggestion/"),
        ("superuser", "/admin/frontend/legalpage/"),
    ]


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response, path: str) -> None:
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"], path
    script = csp["script-src"]
    assert "'unsafe-inline'" not in script, path
    assert "'unsafe-eval'" not in script, path
    assert not [source for source in script if source in ("*", "data:", "blob:", "http:", "https:")], path
    assert csp["object-src"] == ["'none'"], path
    assert csp["base-uri"] == ["'self'"], path
    assert csp["frame-ancestors"] in (["'none'"], ["'self'"]), path
    assert csp["form-action"] == ["'self'"], path
    hsts = response["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts)[1]) >= 365 * 24 * 3600, path
    assert "includeSubDomains" in hsts, path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_every_page_carries_the_security_headers(production, site, citizen, planner, moderator, superuser):
    users = {"citizen": citizen, "planner": planner, "moderator": moderator, "superuser": superuser}
    clients = {None: Client(**HTTPS)}
    for name, user in users.items():
        clients[name] = Client(**HTTPS)
        clients[name].force_login(user)
    nonces = {}

    for who, path in pages(site, users):
        response = clients[who].get(path)

        expected = 404 if "no-such" in path or "not-a-valid" in path or path == "/nowhere/" else 200
        assert response.status_code == expected, (path, response.status_code)
        assert response["Content-Type"].startswith("text/html"), path
        assert_strict(response, path)
        nonces[path] = [
            s for s in directives(response["Content-Security-Policy"])["script-src"] if "nonce" in s
        ]

    # A nonce appears only where a page uses one: the admin's Leaflet widgets. All else runs files only.
    with_nonce = sorted(path for path, nonce in nonces.items() if nonce)
    assert with_nonce == [
        f"/admin/participation/project/{site['project'].pk}/change/",
        f"/admin/participation/suggestion/{site['suggestion'].pk}/change/",
    ]


def test_only_the_embed_page_may_be_framed_and_only_by_its_projects_origins(
    production, site, citizen, planner, moderator, superuser
):
    """With origins listed, the embed page names exactly them in frame-ancestors and sends no X-Frame-Options
    (which cannot name them); everything else in its headers is as strict as anywhere, and every other page,
    the project's own map included, still refuses every frame."""
    project = site["project"]
    Project.objects.filter(pk=project.pk).update(
        embed_origins=["https://www.musterstadt.de", "https://karte.musterstadt.de:8443"]
    )
    users = {"citizen": citizen, "planner": planner, "moderator": moderator, "superuser": superuser}
    clients = {None: Client(**HTTPS)}
    for name, user in users.items():
        clients[name] = Client(**HTTPS)
        clients[name].force_login(user)

    embed = clients[None].get(f"/embed/{project.slug}/")

    csp = directives(embed["Content-Security-Policy"])
    assert csp["frame-ancestors"] == ["https://www.musterstadt.de", "https://karte.musterstadt.de:8443"]
    assert "X-Frame-Options" not in embed
    # All but the framing as strict as on every page.
    policy = embed["Content-Security-Policy"]
    embed["Content-Security-Policy"] = re.sub(r"frame-ancestors [^;]*", "frame-ancestors 'none'", policy)
    embed["X-Frame-Options"] = "DENY"
    assert_strict(embed, "embed, all but its framing")
    for who, path in pages(site, users):
        if path.startswith("/embed/"):
            continue
        response = clients[who].get(path)
        assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"], path
        assert response["X-Frame-Options"] == "DENY", path


def test_refusal_pages_carry_the_headers_too(production, site, citizen, settings):
    """The pages of a refused write: too many requests (429) and a form without its CSRF token (403)."""
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "write_account": "1/3600"}
    spent = Client(REMOTE_ADDR="198.18.10.1", **HTTPS)
    spent.force_login(citizen)
    spent.post("/i18n/setlang/", {"language": "en"})
    forged = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.18.10.2", **HTTPS)

    for response, status in (
        (spent.post("/i18n/setlang/", {"language": "en"}), 429),
        (forged.post("/i18n/setlang/", {"language": "en"}), 403),
    ):
        assert response.status_code == status
        assert response["Content-Type"].startswith("text/html")
        assert_strict(response, str(status))


def test_the_admin_map_widget_runs_under_its_nonce_and_nothing_else_is_inline(production, site, superuser):
    client = Client(**HTTPS)
    client.force_login(superuser)

    response = client.get(f"/admin/participation/project/{site['project'].pk}/change/")

    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    html = response.content.decode()
    inline = [attrs for attrs in re.findall(r"<script([^>]*)>", html) if "src=" not in attrs]
    assert inline  # the widget's start scripts
    for attrs in inline:
        assert f'nonce="{nonce}"' in attrs or 'type="application/json"' in attrs, attrs
    assert not re.search(r"\son[a-z]+=\"", html), "an inline event handler would be blocked"


def test_the_staff_collections_and_the_token_page_stay_out_of_shared_caches(production, site, planner):
    """Whatever carries a staff collection or a token is `private, no-store` and varies by credentials; the
    public collections stay publicly cacheable, and the list of collections says it depends on the reader."""
    client = Client(**HTTPS)
    client.force_login(planner)
    slug = site["project"].slug
    for path in (
        "/ogcapi/collections",
        f"/ogcapi/collections/{slug}-points-staff",
        f"/ogcapi/collections/{slug}-points-staff/items",
        f"/ogcapi/collections/{slug}-points-staff/items/{site['pending'].pk}",
        f"/ogcapi/collections/{slug}-points-staff/queryables",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path
        assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}, path
        assert response["X-Content-Type-Options"] == "nosniff", path
    page = client.get(f"/projects/{slug}/planning/qgis/")
    assert page["Cache-Control"] == "private, no-store"
    anonymous = Client(**HTTPS)
    missing = anonymous.get(f"/ogcapi/collections/{slug}-points-staff/items")
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "private, no-store"
    public = anonymous.get(f"/ogcapi/collections/{slug}-points/items")
    assert public["Cache-Control"] == "public, max-age=60"


def test_json_and_files_are_not_sniffed_either(production, site, planner):
    client = Client(**HTTPS)
    client.force_login(planner)
    slug = site["project"].slug
    for path in (
        f"/api/v1/projects/{slug}/suggestions/",
        "/api/schema/",
        f"/api/v1/projects/{slug}/open-data/csv",
        f"/api/v1/photos/{site['photo'].key}/full.jpg",
        f"/api/v1/photos/{site['photo'].key}/small.jpg",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert "Strict-Transport-Security" in response, path
    photo = client.get(f"/api/v1/photos/{site['photo'].key}/full.jpg")
    assert photo["Content-Type"] == "image/jpeg"
    assert b"".join(photo.streaming_content).startswith(b"\xff\xd8")


def test_feeds_and_their_refusals_carry_the_headers(production, site):
    """A feed is XML for readers: not sniffed, HSTS, publicly cacheable by language and without a cookie. A
    refused feed address is an HTML page with the reason, under the strict headers of every page."""
    client = Client(**HTTPS)
    slug, pk = site["project"].slug, site["suggestion"].pk
    for path in (
        f"/projects/{slug}/feed/",
        f"/projects/{slug}/feed/categories/{site['suggestion'].category.key}/",
        f"/projects/{slug}/feed/place/?lat=49.0&lon=8.4&radius=500",
        f"/projects/{slug}/suggestions/{pk}/feed/",
        f"/projects/{slug}/feed/districts/mitte/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/atom+xml; charset=utf-8", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert "Strict-Transport-Security" in response, path
        assert response["Cache-Control"] == "public, max-age=60", path
        assert "Set-Cookie" not in response, path
        assert b"Lades\xc3\xa4ule am Markt" in response.content, path
    for path, status in (
        (f"/projects/{slug}/feed/categories/no-such/", 404),
        (f"/projects/{slug}/feed/place/?lat=49&lon=8.4&radius=1e9", 400),
        (f"/projects/{slug}/feed/districts/1/", 404),
        (f"/projects/{slug}/feed/districts/nowhere/", 404),
        (f"/projects/{slug}/feed/districts/mitte%27%20OR%20%271%27=%271/", 404),
        (f"/projects/{slug}/feed/districts/{'a' * 500}/", 404),
        (f"/projects/{slug}/suggestions/{site['pending'].pk}/feed/", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        assert response["Content-Type"].startswith("text/html"), path
        assert_strict(response, path)


def test_a_district_feeds_old_number_redirects_under_the_headers(production, site):
    """The number a district feed had before keys: a permanent redirect to its key, HSTS, no cookie."""
    client = Client(**HTTPS)
    slug = site["project"].slug
    number = ContextFeature.objects.get(layer__project=site["project"], layer__role="districts").pk

    response = client.get(f"/projects/{slug}/feed/districts/{number}/")

    assert response.status_code == 301
    assert response["Location"] == f"/projects/{slug}/feed/districts/mitte/"
    assert "Strict-Transport-Security" in response
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response


def test_preview_pictures_carry_the_headers(production, site):
    """A link preview picture is a PNG, not sniffed, cached publicly without a cookie; its refusal is a page
    under the strict headers."""
    client = Client(**HTTPS)
    slug, pk = site["project"].slug, site["suggestion"].pk
    for path in (f"/projects/{slug}/preview.png", f"/projects/{slug}/suggestions/{pk}/preview.png"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "image/png", path
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Cache-Control"] == "public, max-age=600", path
        assert "ETag" in response, path
        assert "Set-Cookie" not in response, path
    refused = client.get(f"/projects/{slug}/suggestions/{site['pending'].pk}/preview.png")
    assert refused.status_code == 404
    assert_strict(refused, "preview of a pending suggestion")


def test_plain_http_is_sent_to_https_except_the_health_check(production, db):
    redirected = Client().get("/accounts/login/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")
    assert Client().get("/healthz").status_code in (200, 503)


def test_session_and_csrf_cookies_are_secure_and_the_session_is_not_readable_by_script(production, citizen):
    client = Client(**HTTPS)
    login = client.get("/accounts/login/")
    csrf = login.cookies["csrftoken"]
    assert csrf["secure"]
    assert csrf["samesite"] == "Lax"

    signed_in = client.post(
        "/accounts/login/",
        {"login": "anna", "password": "pw-for-tests", "csrfmiddlewaretoken": csrf.value},
    )

    assert signed_in.status_code == 302, signed_in.content[:500]
    session = signed_in.cookies["sessionid"]
    assert session["secure"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"


def test_the_walk_covers_every_page_pattern(site, citizen, planner, moderator, superuser):
    """A new page must join the walk above (or be listed in NOT_PAGES with its reason)."""
    walked = {}
    for _who, path in pages(site, {}):
        match = get_resolver().resolve(path.split("?")[0]) if not path.startswith("/nowhere") else None
        if match:
            walked[match.view_name] = path
    missing = sorted(name for name in named_patterns() if name not in walked and name not in NOT_PAGES)

    assert missing == []


def named_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in ("admin", "api"):  # the admin is walked by example; the API serves JSON
                continue
            names += named_patterns(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.lookup_str.startswith("allauth."):
                continue  # allauth's pages share one layout: sign-in, sign-up and reset stand for them
            names.append(prefix + pattern.name)
    return names


def test_every_page_says_which_browser_features_it_may_use(production, site, citizen, planner, superuser):
    """No page may use the camera, the microphone, payments or USB, nor let a frame ask for them; location
    only for the site itself (a "where am I" on the map), never for a framed third party."""
    users = {"citizen": citizen, "planner": planner, "superuser": superuser}
    clients = {None: Client(**HTTPS)}
    for name, user in users.items():
        clients[name] = Client(**HTTPS)
        clients[name].force_login(user)
    slug = site["project"].slug
    extra = [
        (None, f"/api/v1/projects/{slug}/suggestions/"),
        (None, "/ogcapi/collections"),
        (None, "/ogcapi/tiles"),
        (None, f"/tiles/{slug}/style.json"),
        (None, "/healthz"),
    ]

    for who, path in [*pages(site, users), *extra]:
        if who not in clients:
            continue
        response = clients[who].get(path)

        policy = dict(
            part.strip().split("=", 1) for part in response.get("Permissions-Policy", "").split(",") if part
        )
        for feature in ("camera", "microphone", "payment", "usb"):
            assert policy.get(feature) == "()", (path, feature, policy)
        assert policy.get("geolocation") == "(self)", (path, policy)


def test_the_language_cookie_is_secure_in_production(production):
    client = Client(**HTTPS)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    cookie = response.cookies["django_language"]
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
