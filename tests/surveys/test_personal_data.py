"""Survey responses under the personal-data rules: account deletion and address retention."""

from datetime import timedelta

from django.contrib.gis.geos import Point
from django.utils import timezone

from participation import services
from surveys.models import Response
from tests.surveys.conftest import answer


def test_deleting_an_account_keeps_its_survey_response_tied_to_nobody(survey, citizen):
    response = Response.objects.create(survey=survey, user=citizen, source_address="hash-of-address")

    services.account_delete(user=citizen)

    response.refresh_from_db()
    assert (response.user_id, response.browser, response.source_address) == (None, "", "")


def test_address_hashes_of_old_responses_are_purged_and_recent_ones_kept(survey, settings):
    settings.ADDRESS_RETENTION_DAYS = 30
    old = Response.objects.create(
        survey=survey,
        browser="a" * 64,
        source_address="old-hash",
        created_at=timezone.now() - timedelta(days=31),
    )
    recent = Response.objects.create(survey=survey, browser="b" * 64, source_address="recent-hash")

    purged = services.personal_data_purge()

    assert purged.addresses == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.source_address, recent.source_address) == ("", "recent-hash")


def test_the_account_download_holds_its_own_survey_answers_only(client_factory, survey, questions, citizen):
    mine = Response.objects.create(survey=survey, user=citizen)
    answer(mine, questions["owns"], choice=questions["owns"].choices.get(key="yes"))
    for key in ("home", "public"):
        answer(mine, questions["charge"], choice=questions["charge"].choices.get(key=key))
    answer(mine, questions["text"], text="Mehr Ladepunkte am Bahnhof")
    answer(mine, questions["point"], geom=Point(8.40, 49.00, srid=4326))
    other = Response.objects.create(survey=survey, browser="c" * 64)
    answer(other, questions["text"], text="Jemand anderes schrieb das")

    data = client_factory(citizen).get("/account/data/").json()

    (response,) = data["survey_responses"]
    assert (response["project"], response["survey"], response["title"]) == (
        survey.project.slug,
        "mobility",
        "Mobilität",
    )
    assert [(a["kind"], a["choice"] and a["choice"]["key"]) for a in response["answers"]] == [
        ("single", "yes"),
        ("multiple", "home"),
        ("multiple", "public"),
        ("text", None),
        ("map_point", None),
    ]
    assert response["answers"][3]["text"] == "Mehr Ladepunkte am Bahnhof"
    assert response["answers"][4]["geometry"] == {"type": "Point", "coordinates": [8.4, 49.0]}
    assert "Jemand anderes" not in str(data)
