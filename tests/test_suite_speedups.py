"""What tests/conftest.py does to make the suite faster changes nothing a test sees: the quicker flush after
transactional tests leaves what Django's own TRUNCATE leaves (every table empty but what post_migrate fills
again, the tables' triggers working afterwards), and WhiteNoise's file list made once serves what it did."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.db import IntegrityError, connection, transaction
from django.test import Client

from geo.models import ClusterCell
from participation.models import ModerationAction, ModerationEvent, ModerationState, Suggestion
from tests.factories import CategoryFactory, CitizenFactory, CommentFactory, ProjectFactory, SuggestionFactory

STATIC = "/static/frontend/img/og-image.png"


def row_counts() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        return {
            table: cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}").fetchone()[0]  # noqa: S608
            for table in tables
        }


def fill() -> None:
    """Rows where a typical test writes, in the append-only audit trail and in the trigger-kept clusters."""
    category = CategoryFactory(project=ProjectFactory(slug="test-project"), key="charging-station")
    suggestion = SuggestionFactory(category=category, moderation_state=ModerationState.PENDING)
    CommentFactory(suggestion=suggestion, author=CitizenFactory(), moderation_state=ModerationState.PENDING)
    ModerationEvent.objects.create(
        project_id=suggestion.project_id,
        suggestion=suggestion,
        action=ModerationAction.APPROVE,
        from_state=ModerationState.PENDING,
        to_state=ModerationState.PUBLISHED,
    )
    suggestion.moderation_state = ModerationState.PUBLISHED
    suggestion.save(update_fields=["moderation_state"])
    assert ClusterCell.objects.exists()  # the cluster trigger counted the published suggestion


@pytest.mark.django_db(transaction=True)
def test_the_teardown_flush_leaves_what_truncate_leaves_and_the_triggers_work_again():
    fill()
    # As TransactionTestCase's teardown calls it (reset_sequences=False): the quick path.
    assert any(
        sql.startswith("DELETE") for sql in flush.sql_flush(no_style(), connection, reset_sequences=False)
    )
    call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
    quick = row_counts()

    fill()
    call_command("flush", interactive=False, verbosity=0)  # Django's TRUNCATE, for comparison
    assert quick == row_counts()
    assert {table for table, rows in quick.items() if rows} == {
        "django_content_type",
        "auth_permission",
        "frontend_legalpage",
    }

    # The triggers are on again: the audit trail refuses DELETE, the clusters follow the suggestions.
    fill()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ModerationEvent.objects.all().delete()
    for suggestion in Suggestion.objects.all():
        suggestion.moderation_state = ModerationState.HIDDEN
        suggestion.save(update_fields=["moderation_state"])
    assert not ClusterCell.objects.exists()


def served(client: Client):
    response = client.get(STATIC)
    body = b"".join(response.streaming_content)
    return response.status_code, response["Cache-Control"], response["Content-Type"], body


def test_every_test_client_serves_the_static_files_and_a_setting_changed_in_a_test_counts(settings):
    first, second = served(Client()), served(Client())

    assert first == second
    assert first[0] == 200
    assert first[2] == "image/png"
    assert first[3] == (settings.BASE_DIR / "frontend/static/frontend/img/og-image.png").read_bytes()
    settings.WHITENOISE_MAX_AGE = 1234
    assert served(Client())[1] == "max-age=1234, public"
