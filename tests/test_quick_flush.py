"""The quicker flush after transactional tests (tests/conftest.py) leaves what Django's own TRUNCATE leaves:
every table empty but what post_migrate fills again, and the tables' triggers working afterwards."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.db import IntegrityError, connection, transaction

from geo.models import ClusterCell
from participation.models import Comment, ModerationAction, ModerationEvent, ModerationState, Suggestion
from tests.factories import CategoryFactory, CitizenFactory, ProjectFactory, SuggestionFactory

pytestmark = pytest.mark.django_db(transaction=True)


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
    Comment.objects.create(suggestion=suggestion, author=CitizenFactory(), text="Gute Idee")
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
