"""Following suggestions and alerts for a place: what a person subscribes to, and the notices that changes
leave for them.

The `notices_*` functions are called by the services that make the change (planning answers, merges,
published comments, published suggestions), inside their transaction: the notices commit with the change
or not at all, and the task that mails the immediate ones is a row of the same transaction
(`follow_mail.queue_sending`). Notices are written only at the moment something becomes public to
everyone (a suggestion or comment published, an answer to a published suggestion): nothing pending,
rejected or hidden ever becomes a notice. The worker checks again when it mails (follow_mail.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.db import connection, transaction
from django.db.models import BooleanField, Case, QuerySet, Value, When
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .. import follow_mail
from ..antispam import check_human
from ..errors import (
    AlertDistrictInvalid,
    AlertLimit,
    AlertMailLimit,
    AlertNotFound,
    AlertPlaceInvalid,
    AlertRadiusInvalid,
    InvalidText,
    SuggestionNotFound,
    TooManyRequests,
)
from ..models import (
    ALERT_RADIUS_MAX,
    ALERT_RADIUS_MIN,
    ALERTS_PER_PERSON,
    Comment,
    Delivery,
    Follow,
    FollowQuestion,
    ModerationEvent,
    ModerationState,
    Notice,
    NoticeKind,
    PlaceAlert,
    Profile,
    Project,
    Suggestion,
)
from ..participants import Participant
from ..texts import clean_email, clean_text
from ..throttling import rate_limit_check

ALERT_NAME_MAX = PlaceAlert._meta.get_field("name").max_length or 80


def _language() -> str:
    return translation.get_language() or "de"


def _published_suggestion(suggestion_id: int) -> Suggestion:
    """Only a published suggestion can be followed; any other answers as if it did not exist (404)."""
    suggestion = Suggestion.objects.filter(
        pk=suggestion_id, moderation_state=ModerationState.PUBLISHED
    ).first()
    if suggestion is None:
        raise SuggestionNotFound()
    return suggestion


@transaction.atomic
def follow_add(*, user: AbstractBaseUser, suggestion_id: int, comments: bool = False) -> Follow:
    """Follow a published suggestion (again: updates whether new comments are wanted). Answers the
    supporter's question too, so it is never asked afterwards."""
    suggestion = _published_suggestion(suggestion_id)
    follow, _created = Follow.objects.update_or_create(
        user=user,
        suggestion=suggestion,
        defaults={"comments": bool(comments)},
        create_defaults={"comments": bool(comments), "language": _language()},
    )
    FollowQuestion.objects.get_or_create(user=user, suggestion=suggestion)
    return follow


@transaction.atomic
def follow_remove(*, user: AbstractBaseUser, suggestion_id: int) -> bool:
    """Stop following; what was not mailed yet about it is dropped. Returns whether there was a follow."""
    deleted, _detail = Follow.objects.filter(user=user, suggestion_id=suggestion_id).delete()
    Notice.objects.filter(
        user=user, suggestion_id=suggestion_id, alert__isnull=True, sent_at__isnull=True
    ).delete()
    return bool(deleted)


def follow_question_ask(*, user: AbstractBaseUser, suggestion_id: int) -> bool:
    """Record that a supporter is being asked whether to follow; True only the first time (ask then)."""
    if Follow.objects.filter(user=user, suggestion_id=suggestion_id).exists():
        return False
    _question, created = FollowQuestion.objects.get_or_create(user=user, suggestion_id=suggestion_id)
    return created


def follow_delivery_set(*, user: AbstractBaseUser, delivery: str) -> None:
    if delivery not in Delivery.values:
        raise InvalidText(_("Please choose when the mails should come."), field="follow_delivery")
    Profile.objects.filter(user_id=user.pk).update(follow_delivery=delivery)


def _alert_fields(
    *, project: Project, longitude: object, latitude: object, radius: object, delivery: object, name: object
) -> dict[str, object]:
    """Checked fields of an alert: a finite point inside the project's area, a bounded whole radius."""
    try:
        lon, lat = float(str(longitude)), float(str(latitude))
    except ValueError:
        raise AlertPlaceInvalid() from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # also refuses nan and inf
        raise AlertPlaceInvalid()
    centre = Point(round(lon, 7), round(lat, 7), srid=4326)
    if not project.area.covers(centre):
        raise AlertPlaceInvalid()
    try:
        metres = int(str(radius))
    except ValueError:
        raise AlertRadiusInvalid() from None
    if not ALERT_RADIUS_MIN <= metres <= ALERT_RADIUS_MAX:
        raise AlertRadiusInvalid()
    if delivery not in Delivery.values:
        raise InvalidText(_("Please choose when the mails should come."), field="delivery")
    name = clean_text(name, field="name", max_length=ALERT_NAME_MAX, single_line=True)
    return {"centre": centre, "radius": metres, "delivery": delivery, "name": name}


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Whom a new alert mails: the account, or the address someone without one gave."""

    user: AbstractBaseUser | None
    email: str = ""

    def fields(self) -> dict[str, object]:
        return {"user": self.user} if self.user is not None else {"email": self.email}


def _subscriber(actor: Participant, email: object) -> Subscriber:
    """The account, or for someone without one: a valid address with room for another alert. Caller is in
    a transaction: the account's row, or the address's advisory lock, is held while counting, so two
    requests at once cannot both take the last place."""
    if actor.signed_in:
        list(get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
        if PlaceAlert.objects.filter(user_id=actor.pk).count() >= ALERTS_PER_PERSON:
            raise AlertLimit()
        return Subscriber(user=actor.user)
    address = clean_email(email, required=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"alert:{address.casefold()}"])
    if PlaceAlert.objects.filter(user__isnull=True, email__iexact=address).count() >= ALERTS_PER_PERSON:
        raise AlertLimit(address=True)
    return Subscriber(user=None, email=address)


def _anonymous_checks(actor: Participant, subscriber: Subscriber) -> None:
    """Last, after every other check (a form sent back for a typo keeps its proof): the anti-spam proof,
    the address's write limit, and the confirmation mails one address may get a day."""
    if subscriber.user is not None:
        return
    check_human(actor)
    rate_limit_check(scope="alert", ident=actor.rate_ident)
    recipient = salted_hmac("participation.contact", subscriber.email.casefold()).hexdigest()
    try:
        rate_limit_check(scope="contact", ident=recipient)
    except TooManyRequests as refused:
        raise AlertMailLimit(retry_after=refused.retry_after) from None


def _alert_save(subscriber: Subscriber, **fields: object) -> PlaceAlert:
    alert = PlaceAlert.objects.create(language=_language(), **subscriber.fields(), **fields)
    if subscriber.user is None:
        follow_mail.queue_alert_confirmation(alert)
    return alert


@transaction.atomic
def alert_create(
    *,
    actor: Participant,
    project: Project,
    longitude: object,
    latitude: object,
    radius: object,
    delivery: object = Delivery.IMMEDIATE,
    name: object = "",
    email: object = "",
) -> PlaceAlert:
    """A new alert for a place, for an account or (with `email`) for someone without one, whose alert
    waits for the address to be confirmed. At most ALERTS_PER_PERSON per account or address."""
    fields = _alert_fields(
        project=project, longitude=longitude, latitude=latitude, radius=radius, delivery=delivery, name=name
    )
    subscriber = _subscriber(actor, email)
    _anonymous_checks(actor, subscriber)
    return _alert_save(subscriber, project=project, **fields)


@transaction.atomic
def alert_district_create(
    *,
    actor: Participant,
    project: Project,
    area: GEOSGeometry,
    district_name: str,
    district_number: int,
    district_key: str = "",
    delivery: object = Delivery.IMMEDIATE,
    email: object = "",
) -> PlaceAlert:
    """A new alert for a district the caller (geo's district page) found in the project's public districts
    layer, with the district's id in the layer's source (`district_key`) when it has one. Its polygon is
    copied; when the layer is imported again, `alert_districts_follow` brings the new one."""
    if area.srid != 4326 or area.geom_type not in ("Polygon", "MultiPolygon") or not area.valid:
        raise AlertDistrictInvalid()
    if area.geom_type == "Polygon":
        area = MultiPolygon(area, srid=4326)
    if delivery not in Delivery.values:
        raise InvalidText(_("Please choose when the mails should come."), field="delivery")
    subscriber = _subscriber(actor, email)
    _anonymous_checks(actor, subscriber)
    return _alert_save(
        subscriber,
        project=project,
        area=area,
        district_name=district_name[:300],
        district_number=district_number,
        district_key=district_key[:100],
        delivery=delivery,
    )


# Which of the layer's new districts is an alert's district: an import gives every feature a new number, so
# an alert finds its district again by what does not change with a re-import. Best first:
#   0  the same number (nothing was imported since: the same feature);
#   1  the same name and the same id in the source (e.g. an OSM relation);
#   2  the same name, id changed or missing (a source that numbers its rows);
#   3  the same id in the source under a new name (a renamed district), only if the two polygons overlap by
#      at least half of the smaller one: a source that numbers its rows gives a reordered file's row 5 to
#      another district, and that must not take over the alert.
# A match by name must lie where the alert's polygon lies (ST_Intersects): another town's districts layer,
# imported by mistake, has its own "Neustadt". Among equals the one most alike in size wins (an Ortschaft and
# the Stadtteil within it, of one name, both lie where the Stadtteil's old polygon lies; only the Stadtteil
# has its size). Sizes, not the overlap, for the names: ST_Intersection of every real district with its old
# self cost 0.6 s for Karlsruhe's 62 on every import. Alerts are matched per district, not per alert
# (`wanted`): alerts made from the same feature share its number, name, key and polygon, so thousands of
# alerts for one district cost one match, and one UPDATE ... FROM writes them all. An alert without a match
# keeps its last polygon, and `district_missing_since` tells the person (kept from the first import that
# lost it). A polygon that an import brings back unchanged (a URL layer's refresh) is not written again: the
# row keeps its stored copy, so a refresh does not copy every alert's polygon anew. Measured: 20,000 alerts
# for Karlsruhe's 62 real districts follow a re-import in 2.0 s, nearly all of it writing the rows.
# Areas are compared in degrees², which is enough for ratios between neighbouring polygons.
_DISTRICTS_FOLLOW_SQL = """WITH districts (number, key, name, area) AS MATERIALIZED ({districts}),
wanted AS (
  -- One alert of each district stands for all (grouped without their polygons: 20,000 of them sorted
  -- took more time than all the matching).
  SELECT district_number, district_name, district_key, area, district_missing_since
  FROM participation_placealert
  WHERE id IN (
    SELECT min(id) FROM participation_placealert
    WHERE project_id = %s AND district_number IS NOT NULL
    GROUP BY district_number, district_name, district_key
  )
),
candidates AS (
  SELECT w.district_number AS was_number, w.district_name AS was_name, w.district_key AS was_key,
         d.number, d.key, d.name, d.area, 0 AS rank, 1::float AS alike
  FROM wanted AS w JOIN districts AS d ON d.number = w.district_number
  UNION ALL
  SELECT w.district_number, w.district_name, w.district_key, d.number, d.key, d.name, d.area,
         CASE WHEN w.district_key <> '' AND d.key = w.district_key THEN 1 ELSE 2 END,
         least(ST_Area(d.area), ST_Area(w.area)) / nullif(greatest(ST_Area(d.area), ST_Area(w.area)), 0)
  FROM wanted AS w JOIN districts AS d ON d.name = w.district_name
  WHERE ST_Intersects(d.area, w.area)
  UNION ALL
  SELECT w.district_number, w.district_name, w.district_key, d.number, d.key, d.name, d.area, 3,
         o.shared / nullif(ST_Area(d.area) + ST_Area(w.area) - o.shared, 0)
  FROM wanted AS w
  JOIN districts AS d ON d.key = w.district_key AND d.name <> w.district_name
  CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(d.area, w.area)) AS shared) AS o
  WHERE w.district_key <> '' AND ST_Intersects(d.area, w.area)
    AND o.shared >= 0.5 * least(ST_Area(d.area), ST_Area(w.area))
),
found AS MATERIALIZED (
  -- Only the districts whose alerts change: when nothing does (the layer made public again, another layer
  -- moved), the UPDATE reads no alert at all.
  SELECT w.district_number AS was_number, w.district_name AS was_name, w.district_key AS was_key,
         m.number, m.key, m.name, m.area, m.area = w.area AS same_area
  FROM wanted AS w
  LEFT JOIN (
    SELECT DISTINCT ON (was_number, was_name, was_key) *
    FROM candidates
    ORDER BY was_number, was_name, was_key, rank, alike DESC NULLS LAST, number
  ) AS m
    ON m.was_number = w.district_number AND m.was_name = w.district_name AND m.was_key = w.district_key
  WHERE (m.number IS NULL AND w.district_missing_since IS NULL)
     OR (m.number IS NOT NULL AND (
       m.number <> w.district_number OR w.district_missing_since IS NOT NULL
       OR left(m.name, 300) <> w.district_name OR left(m.key, 100) <> w.district_key
     ))
)
UPDATE participation_placealert AS a
SET area = CASE WHEN f.number IS NULL OR f.same_area THEN a.area ELSE f.area END,
    district_number = coalesce(f.number, a.district_number),
    district_name = coalesce(left(f.name, 300), a.district_name),
    district_key = coalesce(left(f.key, 100), a.district_key),
    district_missing_since = CASE WHEN f.number IS NULL THEN coalesce(a.district_missing_since, now()) END
FROM found AS f
WHERE a.project_id = %s
  AND a.district_number = f.was_number AND a.district_name = f.was_name AND a.district_key = f.was_key
  AND (
    (f.number IS NULL AND a.district_missing_since IS NULL)
    OR (f.number IS NOT NULL AND (
      f.number <> a.district_number OR a.district_missing_since IS NOT NULL
      OR left(f.name, 300) <> a.district_name OR left(f.key, 100) <> a.district_key
    ))
  )
RETURNING f.number IS NOT NULL
"""

# No districts at all (the project's districts layer was deleted): every district alert is missing.
_NO_DISTRICTS = "SELECT NULL::bigint, NULL::text, NULL::text, NULL::geometry(MultiPolygon, 4326) WHERE false"


@dataclass(frozen=True, slots=True)
class DistrictsFollowed:
    """What `alert_districts_follow` changed: alerts moved to their district's new polygon (or name), and
    alerts newly marked because their district is gone."""

    moved: int
    missing: int


def alert_districts_follow(*, project_id: int, districts: QuerySet | None) -> DistrictsFollowed:
    """The project's districts changed (geo imported its districts layer again, or deleted it): district
    alerts follow them, in the caller's transaction (geo's import), in one statement however many alerts.

    `districts` is a query of the project's districts as they are now, selecting in this order each
    district's number (the feature id an alert links its feed with), its id in the source ('' if none), its
    name and its area (MultiPolygon, EPSG:4326); None when the project has no districts any more. geo builds
    the query; participation only runs it inside its own statement (it never imports geo). The matching
    rules are _DISTRICTS_FOLLOW_SQL's."""
    if districts is None:
        inner, inner_params = _NO_DISTRICTS, ()
    else:
        inner, inner_params = districts.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_DISTRICTS_FOLLOW_SQL.format(districts=inner), [*inner_params, project_id, project_id])
        rows = cursor.fetchall()
    moved = sum(1 for (found,) in rows if found)
    return DistrictsFollowed(moved=moved, missing=len(rows) - moved)


@transaction.atomic
def alerts_adopt(*, user: AbstractBaseUser, email: str) -> int:
    """`email` was just verified for the account: the alerts its owner made with it without an account,
    and confirmed, become the account's (listed and managed on its page, in its data download, gone with
    it), oldest first, as many as the account has room for; the rest stay as they were. Returns how many."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    room = ALERTS_PER_PERSON - PlaceAlert.objects.filter(user_id=user.pk).count()
    if room <= 0:
        return 0
    ids = list(
        PlaceAlert.objects.select_for_update()
        .filter(user__isnull=True, email__iexact=email, confirmed_at__isnull=False)
        .order_by("id")
        .values_list("pk", flat=True)[:room]
    )
    PlaceAlert.objects.filter(pk__in=ids).update(user=user, email="")
    Notice.objects.filter(user__isnull=True, alert_id__in=ids).update(user=user)
    return len(ids)


@transaction.atomic
def alert_confirm(*, alert: PlaceAlert) -> PlaceAlert:
    """The person followed the link in the confirmation mail: the alert tells them from now on (about
    suggestions published from now on, not those published while it waited). An account that has verified
    the same address takes it over, as at sign-up (`alerts_adopt`)."""
    PlaceAlert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
    owner = (
        EmailAddress.objects.filter(email__iexact=alert.email, verified=True, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if owner is not None:
        alerts_adopt(user=owner.user, email=alert.email)
    alert.refresh_from_db(fields=["confirmed_at", "user", "email"])
    return alert


@transaction.atomic
def alert_update(
    *,
    user: AbstractBaseUser,
    alert_id: int,
    longitude: object,
    latitude: object,
    radius: object,
    delivery: object,
    name: object = "",
) -> PlaceAlert:
    # A district alert has no circle to change: it is deleted and made again on the district page.
    alert = (
        PlaceAlert.objects.select_for_update()
        .select_related("project")
        .filter(pk=alert_id, user=user, district_number__isnull=True)
        .first()
    )
    if alert is None:
        raise AlertNotFound()
    fields = _alert_fields(
        project=alert.project,
        longitude=longitude,
        latitude=latitude,
        radius=radius,
        delivery=delivery,
        name=name,
    )
    for key, value in fields.items():
        setattr(alert, key, value)
    alert.language = _language()
    alert.save(update_fields=[*fields, "language"])
    return alert


def alert_delete(*, user: AbstractBaseUser, alert_id: int) -> None:
    deleted, _detail = PlaceAlert.objects.filter(pk=alert_id, user=user).delete()
    if not deleted:
        raise AlertNotFound()


def notifications_stop(*, kind: str, pk: int) -> bool:
    """One click in a follower's or alert's mail (a verified, signed token): "follow" stops following that
    suggestion, "alert" deletes that alert, "notices" (a daily digest) stops every follow and alert of the
    account. Returns whether anything was still subscribed; a second click changes nothing."""
    with transaction.atomic():
        if kind == "follow":
            follow = Follow.objects.filter(pk=pk).first()
            if follow is None:
                return False
            return follow_remove(user=follow.user, suggestion_id=follow.suggestion_id)
        if kind == "alert":
            return bool(PlaceAlert.objects.filter(pk=pk).delete()[0])
        if kind == "notices":
            follows, _d = Follow.objects.filter(user_id=pk).delete()
            alerts, _d = PlaceAlert.objects.filter(user_id=pk).delete()
            Notice.objects.filter(user_id=pk, sent_at__isnull=True).delete()
            return bool(follows or alerts)
    return False


# --- Notices, written by the services that change what they report (caller's transaction) -------------


def _queue(notices: Sequence[Notice]) -> None:
    if notices:
        Notice.objects.bulk_create(notices, batch_size=1000)
        if any(not n.daily for n in notices):
            follow_mail.queue_sending()


def _followers(suggestion_id: int, *, exclude: int | None, comments_only: bool = False) -> list[tuple]:
    """(user id, language, daily) of the suggestion's followers: tuples, not model instances, so a
    suggestion with thousands of followers costs one query and one INSERT per thousand."""
    follows = Follow.objects.filter(suggestion_id=suggestion_id)
    if comments_only:
        follows = follows.filter(comments=True)
    if exclude is not None:
        follows = follows.exclude(user_id=exclude)
    return list(
        follows.filter(user__is_active=True)
        # An account without a profile (made in the admin) has no choice stored: at once, never NULL.
        .annotate(
            daily=Case(
                When(user__profile__follow_delivery=Delivery.DAILY, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .values_list("user_id", "language", "daily")
        .order_by("id")
    )


def _follower_notices(
    suggestion_id: int, *, kind: str, exclude: int | None, comments_only: bool = False, **about: object
) -> list[Notice]:
    """A notice of `kind` for each of the suggestion's followers but `exclude` (the one who caused it)."""
    return [
        Notice(
            user_id=user_id,
            kind=kind,
            suggestion_id=suggestion_id,
            daily=daily,
            language=language,
            **about,
        )
        for user_id, language, daily in _followers(
            suggestion_id, exclude=exclude, comments_only=comments_only
        )
    ]


def notices_status(*, event: ModerationEvent, author_id: int | None) -> None:
    """A planner set the status or the official answer of a published suggestion. The author is told by
    the author mails already (notifications.py): not twice."""
    _queue(_follower_notices(event.suggestion_id, kind=NoticeKind.STATUS, exclude=author_id, event=event))


def notices_merged(*, event: ModerationEvent, duplicate: Suggestion, target: Suggestion) -> None:
    """The followed duplicate was merged: its followers are told and follow the target from now on (those
    already following it keep their own choice). The caller holds both suggestions' row locks."""
    _queue(_follower_notices(duplicate.pk, kind=NoticeKind.MERGED, exclude=duplicate.author_id, event=event))
    already = Follow.objects.filter(suggestion=target).values("user_id")
    Follow.objects.filter(suggestion=duplicate).exclude(user_id__in=already).update(suggestion=target)
    Follow.objects.filter(suggestion=duplicate).delete()


def notices_comment(*, comment: Comment) -> None:
    """A comment was published on a published suggestion: followers who want comments hear of it (not
    its own author)."""
    _queue(
        _follower_notices(
            comment.suggestion_id,
            kind=NoticeKind.COMMENT,
            exclude=comment.author_id,
            comments_only=True,
            comment=comment,
        )
    )


# One notice per person and suggestion, however many of their alerts cover it (the oldest alert names it):
# a person is an account, or an address without one (compared without regard to capitals). An alert
# without an account counts once its address is confirmed; nobody is told about their own suggestion
# (an anonymous author by the address they left with it). ST_DWithin on geography: metres on the ground,
# any geometry kind (a path counts when any part of it comes within the radius). A district alert (area
# set, no centre) takes the suggestion when any part of it lies in the district: ST_Intersects, on area's
# GiST index; a branch of its own (UNION ALL), since an OR of both tests would check every alert of the
# project.
_NEW_NOTICES_SQL = """INSERT INTO participation_notice
  (user_id, kind, suggestion_id, alert_id, daily, language, created_at)
SELECT DISTINCT ON (m.recipient, m.suggestion_id)
       m.user_id, %(kind)s, m.suggestion_id, m.alert_id, m.delivery = %(daily)s, m.language, now()
FROM (
  SELECT a.user_id, coalesce(a.user_id::text, lower(a.email)) AS recipient, a.email,
         s.id AS suggestion_id, s.author_id, a.id AS alert_id, a.delivery, a.language
  FROM participation_suggestion s
  JOIN participation_placealert a
    ON a.project_id = s.project_id AND a.area IS NULL
   AND ST_DWithin(a.centre::geography, s.geom::geography, a.radius)
  WHERE s.id = ANY(%(ids)s) AND s.moderation_state = %(published)s
    AND (a.user_id IS NOT NULL OR a.confirmed_at IS NOT NULL)
  UNION ALL
  SELECT a.user_id, coalesce(a.user_id::text, lower(a.email)), a.email,
         s.id, s.author_id, a.id, a.delivery, a.language
  FROM participation_suggestion s
  JOIN participation_placealert a ON a.project_id = s.project_id AND ST_Intersects(a.area, s.geom)
  WHERE s.id = ANY(%(ids)s) AND s.moderation_state = %(published)s
    AND (a.user_id IS NOT NULL OR a.confirmed_at IS NOT NULL)
) m
LEFT JOIN auth_user u ON u.id = m.user_id
WHERE CASE WHEN m.user_id IS NULL
      THEN NOT EXISTS (
        SELECT 1 FROM participation_suggestioncontact c
        WHERE c.suggestion_id = m.suggestion_id AND lower(c.email) = lower(m.email))
      ELSE u.is_active AND m.user_id IS DISTINCT FROM m.author_id END
ORDER BY m.recipient, m.suggestion_id, m.alert_id
RETURNING daily
"""


def notices_new(*, suggestion_ids: Sequence[int]) -> None:
    """Suggestions were just published (at creation in post-moderation, or approved later): alerts whose
    place they lie in get a notice. One statement however many suggestions a bulk approval publishes."""
    if not suggestion_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            _NEW_NOTICES_SQL,
            {
                "kind": NoticeKind.NEW,
                "daily": Delivery.DAILY,
                "ids": list(suggestion_ids),
                "published": ModerationState.PUBLISHED,
            },
        )
        rows = cursor.fetchall()
    if any(not daily for (daily,) in rows):
        follow_mail.queue_sending()
