"""Survey responses under the personal-data rules: account deletion and address retention."""

from datetime import timedelta

from django.utils import timezone

from participation import services
from surveys.models import Response


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
