"""Personal-data rights and retention: deleting an account without losing what it contributed, and
forgetting addresses once abuse handling no longer needs them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..contacts import CONTACT_LINK_AGE
from ..follow_mail import ALERT_LINK_AGE
from ..idempotency import account_keys
from ..models import Comment, Photo, PlaceAlert, Profile, Report, Suggestion, SuggestionContact, Support


@transaction.atomic
def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account and everything that identifies its owner; contributions stay, anonymised.

    Suggestions and comments (and their photos) lose their author and public name (they then read "a
    participant"); supports
    become anonymous supports, each its own unreachable key, so every count stays what it was; reports lose
    their reporter. Addresses go. The audit trail keeps the bare id of a moderator's decisions (an id that
    now points nowhere). The profile, e-mail addresses, API token, roles and the answers kept for its
    Idempotency-Key retries go with the account.
    """
    Suggestion.objects.filter(author=user).update(author=None, display_name="", source_address="")
    Comment.objects.filter(author=user).update(author=None, display_name="", source_address="")
    # Photos stay with their suggestion or comment, as its text does (re-encoded: they carry no metadata).
    Photo.objects.filter(author=user).update(author=None, source_address="")
    # A random key per row, of a cookie nobody holds: the person is gone, their support still counts, and
    # their open reports still count as one person each when reports hide an item automatically.
    Report.objects.filter(reporter=user).update(
        reporter=None, reporter_browser=_random_key(), source_address=""
    )
    Support.objects.filter(user=user).update(user=None, browser=_random_key())
    # Survey responses stay in the results, no longer tied to anyone.
    _survey_responses().filter(user=user).update(user=None, source_address="")
    # Answers kept for Idempotency-Key retries repeat the public name and texts: they go now, not when
    # the daily purge finds them expired.
    account_keys(user.pk).delete()
    user.delete()


def _survey_responses() -> QuerySet:
    # By name: surveys builds on participation, not the other way round.
    return apps.get_model("surveys", "Response").objects.all()


def _random_key() -> RawSQL:
    return RawSQL("encode(sha256(gen_random_uuid()::text::bytea), 'hex')", [])


@dataclass(frozen=True, slots=True)
class Purged:
    addresses: int
    contacts: int
    alerts: int = 0


@transaction.atomic
def personal_data_purge(*, now: datetime | None = None) -> Purged:
    """Forget source addresses older than ADDRESS_RETENTION_DAYS and e-mail addresses nobody confirmed
    before their link expired. Run daily (`manage.py purge_personal_data`)."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.ADDRESS_RETENTION_DAYS)
    addresses = 0
    for queryset in (Suggestion.objects, Comment.objects, Photo.objects, Report.objects, _survey_responses()):
        addresses += (
            queryset.filter(created_at__lt=before).exclude(source_address="").update(source_address="")
        )
    contacts, _detail = SuggestionContact.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(seconds=CONTACT_LINK_AGE)
    ).delete()
    # Alerts made without an account whose address nobody confirmed: the link cannot be opened any more.
    alerts, _detail = PlaceAlert.objects.filter(
        user__isnull=True, confirmed_at__isnull=True, created_at__lt=now - timedelta(seconds=ALERT_LINK_AGE)
    ).delete()
    return Purged(addresses=addresses, contacts=contacts, alerts=alerts)


def notifications_unsubscribe(*, kind: str, pk: int) -> bool:
    """One click in a mail: no more mails about suggestions to this account or this anonymous address.
    Returns whether anything was still subscribed (a second click changes nothing)."""
    if kind == "user":
        return bool(Profile.objects.filter(user_id=pk, notify=True).update(notify=False))
    return bool(
        SuggestionContact.objects.filter(pk=pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    )
