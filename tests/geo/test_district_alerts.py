"""Alerts for a district: picked on geo's districts page from the project's public districts layer, the
district's polygon copied into the alert; a new published suggestion inside it is mailed by the real worker,
one outside is not; the page says in German what is wrong, and a project without districts has none."""

import re

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from geo.layers.models import ContextLayer
from participation import services
from participation.errors import AlertDistrictInvalid, AlertLimit
from participation.models import Notice, PlaceAlert
from participation.participants import Participant
from tests.factories import CitizenFactory
from tests.proofs import solved

pytestmark = pytest.mark.django_db

DE = {"HTTP_ACCEPT_LANGUAGE": "de"}


def point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


def create(user, category, geometry, title):
    return services.suggestion_create(
        actor=Participant(user=user, address="192.0.2.7"),
        project=category.project,
        category_key=category.key,
        geometry=geometry,
        title=title,
        text="",
    )


def pick(client, town, district, delivery="immediate"):
    return client.post(
        "/projects/town/districts/", {"district": str(town[district].pk), "delivery": delivery}, **DE
    )


@pytest.fixture
def anna(client, db):
    user = CitizenFactory(username="anna", email="anna@example.org")
    client.force_login(user)
    return user


def test_a_district_alert_hears_of_new_suggestions_inside_the_district_only(
    client, anna, town, mailoutbox, run_worker
):
    response = pick(client, town, "east")
    assert response.status_code == 302
    assert response["Location"] == "/account/follows/"
    alert = PlaceAlert.objects.get(user=anna)
    assert (alert.district_name, alert.district_number, alert.centre, alert.radius) == (
        "East",
        town["east"].pk,
        None,
        None,
    )
    assert alert.area.equals(MultiPolygon(town["east"].geom))  # a copy, kept if the layer changes

    carl = CitizenFactory(username="carl")
    outside = create(carl, town["parking"], point(8.38, 49.01), "Im Westen")
    inside = create(carl, town["parking"], point(8.43, 49.00), "Im Osten")
    assert run_worker() == 0

    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert "Im Osten" in mail.body
    assert "Im Westen" not in mail.body
    assert "im Stadtteil „East“" in mail.body  # in the language the alert was made in
    assert list(Notice.objects.values_list("suggestion_id", flat=True)) == [inside.pk]
    assert outside.pk != inside.pk

    # The mail's one-click link deletes the district alert, without a login or a CSRF token.
    link = re.search(r"<https?://[^/]+(/[^>]+)>", mail.extra_headers["List-Unsubscribe"]).group(1)
    assert Client(enforce_csrf_checks=True).post(link).status_code == 200
    assert not PlaceAlert.objects.exists()


def test_a_pending_suggestion_in_the_district_is_not_told(client, anna, town, mailoutbox, run_worker):
    type(town["project"]).objects.filter(pk=town["project"].pk).update(moderation_mode="pre")
    town["parking"].project.refresh_from_db()
    pick(client, town, "east")

    create(CitizenFactory(username="carl"), town["parking"], point(8.43, 49.00), "SECRET")
    run_worker()

    assert mailoutbox == []
    assert not Notice.objects.exists()


def test_the_districts_page_lists_the_districts_with_their_feeds_in_german(client, anna, town):
    response = client.get("/projects/town/districts/", **DE)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Benachrichtigung für einen Stadtteil" in page
    for key, name in (("east", "East"), ("west", "West"), ("west-sued", "West-Süd")):
        assert f">{name}</option>" in page
        # Under the key that a re-import keeps (test_district_feed_addresses), in the list and in the head.
        assert f'href="/projects/town/feed/districts/{key}/"' in page
        assert f"Atom-Feed von {name}" in page
        assert re.search(
            r'<link rel="alternate" type="application/atom\+xml" title="[^"]*: neue Vorschläge in '
            + re.escape(name)
            + f'" href="/projects/town/feed/districts/{key}/">',
            page,
        )
    assert page.index(">East<") < page.index(">West<") < page.index(">West-Süd<")  # by name


def test_without_an_account_a_district_alert_waits_for_the_confirmed_address(
    client, town, mailoutbox, run_worker
):
    page = client.get("/projects/town/districts/", **DE).content.decode()
    assert 'id="district-email"' in page
    assert "/projects/town/feed/districts/west/" in page

    unproven = client.post(
        "/projects/town/districts/", {"district": str(town["east"].pk), "email": "bea@example.org"}, **DE
    )
    assert unproven.status_code == 400
    assert not PlaceAlert.objects.exists()

    sent = client.post(
        "/projects/town/districts/",
        {
            "district": str(town["east"].pk),
            "email": "bea@example.org",
            "altcha": solved(client),
            "website": "",
        },
        **DE,
    )
    assert sent.status_code == 200
    assert 'id="alert-sent"' in sent.content.decode()
    alert = PlaceAlert.objects.get()
    assert (alert.user, alert.email, alert.district_name, alert.confirmed_at) == (
        None,
        "bea@example.org",
        "East",
        None,
    )
    run_worker()
    [question] = mailoutbox
    assert "im Stadtteil East" in question.body
    link = re.search(r"https?://[^/]+(/alerts/confirm/\S+/)", question.body).group(1)
    assert Client().post(link).status_code == 200
    mailoutbox.clear()

    create(CitizenFactory(username="carl"), town["parking"], point(8.43, 49.00), "Im Osten")
    assert run_worker() == 0
    [mail] = mailoutbox
    assert mail.to == ["bea@example.org"]
    assert "Im Osten" in mail.body


def test_no_district_chosen_is_a_400_that_says_so_in_german(client, anna, town):
    response = client.post("/projects/town/districts/", {"district": "", "delivery": "daily"}, **DE)

    assert response.status_code == 400
    assert "Bitte wählen Sie einen der Stadtteile in der Liste." in response.content.decode()
    assert not PlaceAlert.objects.exists()


@pytest.mark.parametrize("district", ["0", "999999999", "-1", "West", "1 OR 1=1", "9" * 40])
def test_an_unknown_district_is_a_404_that_says_so_in_german(client, anna, town, district):
    response = client.post("/projects/town/districts/", {"district": district, "delivery": "daily"}, **DE)

    assert response.status_code == 404
    assert "In diesem Projekt gibt es keinen Stadtteil mit dieser Nummer." in response.content.decode()
    assert not PlaceAlert.objects.exists()


def test_a_district_of_another_project_cannot_be_picked(client, anna, town, project):
    ContextLayer.objects.create(project=project, name="Other districts", role="districts")
    response = client.post(f"/projects/{project.slug}/districts/", {"district": str(town["west"].pk)}, **DE)
    # That project has a districts layer without features: the page exists, the district is not its own.
    assert response.status_code == 404
    assert not PlaceAlert.objects.exists()


def test_a_wrong_delivery_is_refused_in_german(client, anna, town):
    response = pick(client, town, "west", delivery="hourly")

    assert response.status_code == 400
    assert "Bitte wählen Sie, wann die E-Mails kommen sollen." in response.content.decode()
    assert not PlaceAlert.objects.exists()


def test_district_alerts_count_towards_the_limit(client, anna, town):
    for _ in range(5):
        assert pick(client, town, "west").status_code == 302
    response = pick(client, town, "east")

    assert PlaceAlert.objects.filter(user=anna).count() == 5
    assert 'id="alert-limit"' in client.get("/projects/town/districts/", **DE).content.decode()
    assert response.status_code in (200, 409)
    with pytest.raises(AlertLimit), translation.override("de"):
        services.alert_district_create(
            actor=Participant(user=anna, address="192.0.2.7"),
            project=town["project"],
            area=MultiPolygon(Polygon.from_bbox((8.40, 48.98, 8.45, 49.02)), srid=4326),
            district_name="East",
            district_number=town["east"].pk,
        )


@pytest.mark.parametrize("public", [False, None])
def test_a_project_without_public_districts_has_no_page_and_no_link(client, anna, town, public):
    if public is None:
        ContextLayer.objects.filter(project=town["project"], role="districts").delete()
    else:
        ContextLayer.objects.filter(project=town["project"], role="districts").update(public=False)

    response = client.get("/projects/town/districts/", **DE)

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert "/projects/town/districts/" not in client.get("/projects/town/alerts/new/").content.decode()
    assert "/projects/town/districts/" not in client.get("/account/follows/").content.decode()
    assert "/projects/town/districts/" not in client.get("/projects/town/").content.decode()


def test_the_alert_pages_link_to_the_districts_when_there_are_public_ones(client, anna, town):
    assert "/projects/town/districts/" in client.get("/projects/town/alerts/new/", **DE).content.decode()
    follows = client.get("/account/follows/", **DE).content.decode()
    assert 'href="/projects/town/districts/"' in follows
    assert "…oder einen Stadtteil in" in follows
    # The map page too, beside its feed and the place alert, for everyone.
    client.logout()
    page = client.get("/projects/town/", **DE).content.decode()
    assert 'href="/projects/town/districts/">Feeds und Benachrichtigungen nach Stadtteil' in page
    assert 'href="/projects/town/alerts/new/">Mir neue Vorschläge an einem Ort mailen' in page


def test_the_account_lists_a_district_alert_without_a_circle_to_change(client, anna, town):
    pick(client, town, "west", delivery="daily")
    alert = PlaceAlert.objects.get()

    page = client.get("/account/follows/", **DE).content.decode()

    assert "Im Stadtteil West" in page
    assert f"/account/alerts/{alert.pk}/delete/" in page
    assert f'href="/account/alerts/{alert.pk}/"' not in page
    assert client.get(f"/account/alerts/{alert.pk}/").status_code == 404


def test_the_data_download_names_the_district_not_its_polygon(client, anna, town):
    pick(client, town, "west")

    data = client.get("/account/data/").json()

    [alert] = data["place_alerts"]
    assert alert["district"] == "West"
    assert alert["district_number"] == town["west"].pk
    assert "centre" not in alert
    assert "coordinates" not in str(alert)


def test_deleting_the_account_deletes_its_district_alerts(client, anna, town):
    pick(client, town, "west")
    anna.delete()
    assert not PlaceAlert.objects.exists()


def test_the_database_refuses_an_alert_half_circle_half_district(anna, town):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceAlert.objects.create(
            user=anna,
            project=town["project"],
            centre=town["a"].geom,
            radius=500,
            area=MultiPolygon(Polygon.from_bbox((8.35, 48.98, 8.40, 49.02)), srid=4326),
            district_name="West",
            district_number=town["west"].pk,
            language="de",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaceAlert.objects.create(user=anna, project=town["project"], language="de")


def test_a_non_areal_geometry_is_refused(anna, town):
    with pytest.raises(AlertDistrictInvalid):
        services.alert_district_create(
            actor=Participant(user=anna, address="192.0.2.7"),
            project=town["project"],
            area=town["a"].geom,
            district_name="Parking",
            district_number=town["a"].pk,
        )
