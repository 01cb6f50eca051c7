"""The OGC API's staff collections (`<slug>-points-staff`, …): a project's planners and moderators read every
moderation state their role sees and the internal fields, through the same API, with the session, an API
token (`Authorization: Token …`, QGIS's "API Header") or HTTP Basic with the token as the password (QGIS's
"Basic"); for anyone else the collections do not exist, and no answer about them lands in a shared cache."""

import base64
import json
import re

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from geo.analysis.services import analysis_rebuild
from geo.fields import OGCAPI, field_names, fields_in, staff_fields
from geo.ogcapi import kinds
from participation.models import ModerationState
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    ProjectFactory,
    ReportFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STAFF_POINTS = "test-project-points-staff"
UNKNOWN = "/ogcapi/collections/no-such-collection"
STATES = ("published", "pending", "rejected", "hidden", "merged", "withdrawn")


@pytest.fixture
def staff_world(project, point_category, line_category):
    """A suggestion in every moderation state (the merged one into the published one), two open reports and a
    resolved one on the published one, a report on a comment does not count; the people around them."""
    made = {}
    for i, state in enumerate(STATES):
        made[state] = SuggestionFactory(
            category=point_category,
            geom=Point(8.40 + 0.001 * i, 49.0, srid=4326),
            title=f"{state}-title",
            moderation_state=state if state != "merged" else ModerationState.PUBLISHED,
            display_name="Secret Author",
            source_address="secret-address-hash",
        )
    made["merged"].moderation_state = ModerationState.MERGED
    made["merged"].merged_into = made["published"]
    made["merged"].save()
    ReportFactory.create_batch(2, suggestion=made["published"], text="secret-report-text")
    ReportFactory(suggestion=made["published"], resolved_at="2026-01-01T00:00:00Z")
    SuggestionFactory(category=line_category, title="line-title", moderation_state=ModerationState.PENDING)
    other = ProjectFactory(slug="other-project")
    CategoryFactory(project=other, key="charging-station", geometry_kind="point")
    people = {
        "citizen": CitizenFactory(username="citizen"),
        "planner": UserFactory(username="paula", planner_of=project),
        "moderator": UserFactory(username="mona", moderator_of=project),
        "planner_other": UserFactory(username="otto", planner_of=other),
        "admin": UserFactory(username="root", is_superuser=True, is_staff=True),
    }
    return {"suggestions": made, "people": people, "other": other}


def session(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def with_token(user, address: str = "198.51.100.7") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Token {TokenFactory(user=user).key}")


def basic(login: str, password: str, address: str = "198.51.100.8") -> Client:
    credentials = base64.b64encode(f"{login}:{password}".encode()).decode()
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Basic {credentials}")


def own_address_out(response, path: str) -> bytes:
    """The body without the page's own address (its og:url, the language switch's return address), its
    script nonce and CSRF token: what changes from one answer to the next."""
    body = response.content.replace(path.split("?")[0].encode(), b"")
    return re.sub(rb'(nonce|value)="[A-Za-z0-9+/=_-]{16,}"', b"", body)


def staff_ids(client: Client) -> set[str]:
    return {
        c["id"] for c in client.get("/ogcapi/collections").json()["collections"] if c["id"].endswith("-staff")
    }


def titles(client: Client, collection: str = STAFF_POINTS, query: str = "") -> dict[str, dict]:
    response = client.get(f"/ogcapi/collections/{collection}/items{query}")
    assert response.status_code == 200, response.content
    return {f["properties"]["title"]: f["properties"] for f in response.json()["features"]}


def test_the_staff_collections_are_listed_for_the_projects_planners_and_moderators_only(staff_world):
    people = staff_world["people"]
    for user in (None, people["citizen"]):
        response = session(user).get("/ogcapi/collections")
        assert staff_ids(session(user)) == set()
        # Public as before, but the list depends on who reads: caches keep one per credentials.
        assert "public" in response["Cache-Control"]
        assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    # A planner of another project: that project's staff collections, never this one's.
    assert staff_ids(session(people["planner_other"])) == {"other-project-points-staff"}

    for user in (people["planner"], people["moderator"], people["admin"]):
        client = session(user)
        assert {"test-project-points-staff", "test-project-lines-staff"} <= staff_ids(client)
        response = client.get("/ogcapi/collections")
        assert response["Cache-Control"] == "private, no-store"
        assert {"Authorization", "Cookie", "Accept"} <= {v.strip() for v in response["Vary"].split(",")}
    assert staff_ids(session(people["planner"])) == {"test-project-points-staff", "test-project-lines-staff"}
    assert "other-project-points-staff" in staff_ids(session(people["admin"]))


@pytest.mark.parametrize("resource", ["", "/items", "/items/{pk}", "/queryables", "?f=html", "/items?f=html"])
def test_for_anyone_else_a_staff_collection_does_not_exist(staff_world, resource):
    people = staff_world["people"]
    path = f"/ogcapi/collections/{STAFF_POINTS}{resource.format(pk=staff_world['suggestions']['pending'].pk)}"
    for client in (
        session(),
        session(people["citizen"]),
        session(people["planner_other"]),
        with_token(people["planner_other"]),
    ):
        response = client.get(path)
        assert response.status_code == 404
        # What the same person gets for an id that names nothing (a page names who is signed in, and itself).
        unknown = client.get(UNKNOWN + ("?f=html" if "html" in resource else ""))
        assert own_address_out(response, path) == own_address_out(unknown, UNKNOWN)
        assert response["Cache-Control"] == "private, no-store"
    assert session(people["planner"]).get(path).status_code == 200


def test_planners_read_what_they_work_with_and_moderators_also_the_hidden(staff_world):
    people = staff_world["people"]
    assert set(titles(session(people["planner"]))) == {"published-title", "pending-title", "rejected-title"}
    assert set(titles(session(people["moderator"]))) == {
        "published-title",
        "pending-title",
        "rejected-title",
        "hidden-title",
    }
    # Merged and withdrawn suggestions are nobody's to read here, not even a site administrator's.
    assert set(titles(session(people["admin"]))) == set(titles(session(people["moderator"])))
    # The public collection beside it is unchanged: published only, public fields only.
    public = session().get("/ogcapi/collections/test-project-points/items").json()["features"]
    assert [f["properties"]["title"] for f in public] == ["published-title"]
    assert list(public[0]["properties"]) == list(field_names(OGCAPI))


def test_a_staff_feature_has_the_public_fields_then_the_internal_ones_and_nothing_personal(staff_world):
    client = session(staff_world["people"]["moderator"])
    response = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items")
    found = titles(client)

    assert response["Cache-Control"] == "private, no-store"
    assert list(found["pending-title"]) == [*field_names(OGCAPI), *(f.name for f in staff_fields())]
    assert found["published-title"]["moderation_state"] == "published"
    assert found["published-title"]["report_count"] == 2  # open reports on the suggestion itself
    assert found["hidden-title"]["moderation_state"] == "hidden"
    assert found["pending-title"]["report_count"] == 0
    body = response.content.decode()
    for secret in ("Secret Author", "secret-address-hash", "secret-report-text", "@example"):
        assert secret not in body
    one = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items/{staff_world['suggestions']['pending'].pk}")
    assert one.status_code == 200
    assert one.json()["properties"]["moderation_state"] == "pending"
    assert one["Cache-Control"] == "private, no-store"


def test_staff_items_filter_on_the_internal_fields_and_take_the_public_parameters(staff_world):
    client = session(staff_world["people"]["moderator"])
    queryables = client.get(f"/ogcapi/collections/{STAFF_POINTS}/queryables").json()["properties"]

    assert {"moderation_state", "report_count", "district", "nearest_facility"} <= set(queryables)
    assert queryables["moderation_state"]["enum"] == ["published", "pending", "rejected", "hidden"]
    public = session().get("/ogcapi/collections/test-project-points/queryables").json()["properties"]
    assert list(public) == [*(f.name for f in fields_in(OGCAPI) if f.queryable), "geometry"]

    assert set(titles(client, query="?filter=moderation_state%20%3D%20%27pending%27")) == {"pending-title"}
    assert set(titles(client, query="?filter=report_count%20%3E%200")) == {"published-title"}
    assert set(titles(client, query="?filter=moderation_state%20IN%20(%27hidden%27,%27rejected%27)")) == {
        "hidden-title",
        "rejected-title",
    }
    assert set(titles(client, query="?bbox=8.4015,48.99,8.5,49.01")) == {"rejected-title", "hidden-title"}
    page = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items?limit=1").json()
    assert page["numberReturned"] == 1
    assert [link for link in page["links"] if link["rel"] == "next"]
    bad = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items?filter=moderation_state%20%3D%20%27merged%27")
    assert bad.status_code == 400
    assert "merged" in bad.json()["description"]
    # A filter on the public collection cannot name an internal field.
    refused = session().get("/ogcapi/collections/test-project-points/items?filter=report_count%20%3E%200")
    assert refused.status_code == 400


def test_the_analysis_columns_reach_the_staff_collection(town, client_factory):
    project = town["project"]
    SuggestionFactory(category=town["parking"], geom=Point(8.371, 48.991, srid=4326), title="near A")
    analysis_rebuild(project_id=project.pk)
    planner = UserFactory(username="pia", planner_of=project)
    (props,) = titles(client_factory(planner), "town-points-staff").values()

    assert props["district"] == "West-Süd"
    assert props["nearest_facility"].startswith("Parking: ")
    assert props["facility_distance_m"] > 0


def test_a_token_in_the_api_header_or_as_the_basic_password_reads_the_staff_collection(staff_world):
    planner = staff_world["people"]["planner"]
    token = TokenFactory(user=planner).key
    header = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert STAFF_POINTS in staff_ids(header)
    assert "pending-title" in titles(header)
    for login in ("paula", "PAULA", planner.email):
        assert "pending-title" in titles(basic(login, token))

    # The account's password is never a Basic password here.
    planner.set_password("correct horse battery")
    planner.save()
    refused = basic("paula", "correct horse battery").get(f"/ogcapi/collections/{STAFF_POINTS}/items")
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Basic realm=")
    assert "API-Token" in refused.json()["description"]  # the site speaks German unless asked otherwise


@pytest.mark.parametrize(
    "authorization",
    [
        "Token 0123456789abcdef0123456789abcdef01234567",
        "Token ",
        "Token x' OR 1=1 --",
        "Bearer abc",
        "Basic !!",
    ],
)
def test_wrong_credentials_are_a_401_with_a_challenge_on_the_list_and_the_staff_collections(
    staff_world, authorization
):
    client = Client(HTTP_AUTHORIZATION=authorization)
    for path in ("/ogcapi/collections", f"/ogcapi/collections/{STAFF_POINTS}/items"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] in ("Token", 'Basic realm="OGC API", charset="UTF-8"')
        assert response.json()["code"] == "Unauthorized"
    # The public collections do not look at credentials: the same answer for everyone.
    assert client.get("/ogcapi/collections/test-project-points/items").status_code == 200


def test_wrong_credentials_are_limited_like_the_token_endpoints_passwords(staff_world, settings):
    settings.WRITE_LIMITS = {**settings.WRITE_LIMITS, "token_failure_address": "3/900"}
    token = TokenFactory(user=staff_world["people"]["planner"]).key
    wrong = basic("paula", "0" * 40, address="203.0.113.9")
    statuses = [wrong.get("/ogcapi/collections").status_code for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    limited = basic("paula", token, address="203.0.113.9").get("/ogcapi/collections")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # Another address is not refused.
    assert basic("paula", token, address="203.0.113.10").get("/ogcapi/collections").status_code == 200


def test_an_inactive_account_reads_nothing_with_its_token(staff_world):
    planner = staff_world["people"]["planner"]
    client = with_token(planner)
    planner.is_active = False
    planner.save()

    assert client.get(f"/ogcapi/collections/{STAFF_POINTS}/items").status_code == 401


def test_a_project_slug_ending_in_staff_keeps_its_public_collections(staff_world, rf):
    tricky = ProjectFactory(slug="test-project-staff")
    CategoryFactory(project=tricky, key="charging-station", geometry_kind="point")
    admin = staff_world["people"]["admin"]

    ids = [c["id"] for c in session(admin).get("/ogcapi/collections").json()["collections"]]

    assert {
        "test-project-staff-points",
        "test-project-points-staff",
        "test-project-staff-points-staff",
    } <= set(ids)
    assert len(ids) == len(set(ids))
    request = rf.get("/ogcapi/collections")
    request.user = admin
    for collection_id in ids:
        claimed = [
            kind.name
            for kind in kinds.KINDS
            if (kind.find(collection_id, request) if kind.per_reader else kind.find(collection_id))
        ]
        assert len(claimed) == 1, (collection_id, claimed)


def test_the_staff_collection_pages_show_the_internal_fields(staff_world):
    client = session(staff_world["people"]["moderator"])
    items = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items?f=html")
    item = client.get(
        f"/ogcapi/collections/{STAFF_POINTS}/items/{staff_world['suggestions']['hidden'].pk}?f=html"
    )

    assert items.status_code == item.status_code == 200
    assert "hidden-title" in items.content.decode()
    assert "<code>report_count</code>" in item.content.decode()
    assert items["Cache-Control"] == "private, no-store"
    page = client.get(f"/ogcapi/collections/{STAFF_POINTS}?f=html").content.decode()
    assert "/projects/test-project/planning/qgis/" in page  # how to connect, with a token
    assert "nur veröffentlichte Vorschläge" not in page
    described = client.get(f"/ogcapi/collections/{STAFF_POINTS}").json()
    assert "für das Projektteam" in described["title"]
    assert json.dumps(described).count("-staff") >= 3  # its links name itself


def test_staff_items_and_items_take_the_public_crs_parameters(staff_world):
    client = session(staff_world["people"]["planner"])
    utm = "http://www.opengis.net/def/crs/EPSG/0/25832"
    pending = staff_world["suggestions"]["pending"].pk

    page = client.get(
        f"/ogcapi/collections/{STAFF_POINTS}/items?crs={utm}&bbox-crs={utm}&bbox=440000,5400000,470000,5450000"
    )
    one = client.get(f"/ogcapi/collections/{STAFF_POINTS}/items/{pending}?crs={utm}")

    assert page.status_code == one.status_code == 200
    assert page["Content-Crs"] == one["Content-Crs"] == f"<{utm}>"
    x, y = one.json()["geometry"]["coordinates"]
    assert 400_000 < x < 500_000  # metres in UTM 32N, near Karlsruhe
    assert 5_400_000 < y < 5_500_000
    assert len(page.json()["features"]) == 3
    assert one["Cache-Control"] == "private, no-store"


def test_staff_items_count_only_a_page_that_holds_them_all_and_take_no_sortby_or_properties(staff_world):
    client = session(staff_world["people"]["moderator"])
    items = f"/ogcapi/collections/{STAFF_POINTS}/items"

    # Published, pending, rejected, hidden: the public counts (published only) would say 1.
    assert client.get(items).json()["numberMatched"] == 4
    assert "numberMatched" not in client.get(f"{items}?limit=2").json()
    for query in ("sortby=-support_count", "properties=title"):
        refused = client.get(f"{items}?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 400
        assert "neither sortby nor properties" in refused.json()["description"]
