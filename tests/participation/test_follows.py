"""Followers and alert subscribers hear what became public, from the real worker (`manage.py db_worker`) and
the daily `send_digests` command: the right mails in their language, nothing unpublished, nothing twice,
every mail with a one-click unsubscribe that cannot be forged."""

import re

import pytest
from django.contrib.gis.geos import Point
from django.core import mail as django_mail
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from participation import services
from participation.errors import (
    AlertLimit,
    AlertPlaceInvalid,
    AlertRadiusInvalid,
    InvalidText,
    SuggestionNotFound,
)
from participation.follow_mail import unsubscribe_token
from participation.models import (
    Follow,
    FollowQuestion,
    ModerationState,
    Notice,
    PlaceAlert,
    Profile,
)
from participation.participants import Participant
from tests.factories import CitizenFactory, SuggestionFactory

S = ModerationState
INSIDE = {"type": "Point", "coordinates": [8.401, 49.001]}  # ~130 m from the alert's centre below
FAR = {"type": "Point", "coordinates": [8.48, 49.04]}  # ~7 km away, still in the project's area


@pytest.fixture
def staff(project):
    return CitizenFactory(username="mara", moderator_of=project, planner_of=project)


@pytest.fixture
def bob(db):
    return CitizenFactory(username="bob", email="bob@example.org", profile__display_name="Bob")


@pytest.fixture
def carl(db):
    return CitizenFactory(username="carl", email="carl@example.org", profile__display_name="Carl")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def actor(user):
    return Participant(user=user, address="192.0.2.7")


def follow(user, suggestion, *, comments=False, language="de"):
    with translation.override(language):
        return services.follow_add(user=user, suggestion_id=suggestion.pk, comments=comments)


def alert(user, project, *, radius=500, delivery="immediate", name="Am Marktplatz", lon=8.40, lat=49.00):
    with translation.override("de"):
        return services.alert_create(
            actor=actor(user),
            project=project,
            longitude=lon,
            latitude=lat,
            radius=radius,
            delivery=delivery,
            name=name,
        )


def create(user, project, category, geometry=INSIDE, title="Neue Ladestation"):
    return services.suggestion_create(
        actor=actor(user),
        project=project,
        category_key=category.key,
        geometry=geometry,
        title=title,
        text="",
    )


def mails_to(outbox, address):
    return [m for m in outbox if address in m.to]


def decide(staff, suggestion, action, reason=""):
    suggestion.refresh_from_db()
    decision = services.Decision("suggestion", suggestion.pk, suggestion.moderation_state)
    return services.item_decide(actor=staff, decision=decision, action=action, reason=reason)


# ------------------------------------------------------------------------------------------- following


def test_a_follower_hears_of_answers_comments_and_the_merge_from_the_worker(
    citizen, bob, carl, staff, point_category, mailoutbox, run_worker, on_commit
):
    suggestion = SuggestionFactory(category=point_category, title="Ladestation am Bahnhof", language="de")
    target = SuggestionFactory(category=point_category, title="Laden am Hauptbahnhof")
    follow(citizen, suggestion, comments=True)
    follow(bob, suggestion, language="en")

    on_commit(
        services.suggestion_answer,
        actor=staff,
        suggestion_id=suggestion.pk,
        status="planned",
        answer="Wir bauen sie 2027.",
    )
    assert mailoutbox == []  # the request only queued it
    assert run_worker() == 0
    [anna_status] = mails_to(mailoutbox, "anna@example.org")
    [bob_status] = mails_to(mailoutbox, "bob@example.org")
    assert "Ladestation am Bahnhof" in anna_status.subject
    assert "Geplant" in anna_status.body
    assert "Wir bauen sie 2027." in anna_status.body
    assert "Planned" in bob_status.body  # Bob followed in English: his mails are English
    assert f"/suggestions/{suggestion.pk}/" in anna_status.body
    mailoutbox.clear()

    on_commit(services.comment_create, actor=actor(carl), suggestion_id=suggestion.pk, text="Gute Idee!")
    run_worker()
    [comment_mail] = mailoutbox  # only Anna asked for comments; Carl does not hear of his own
    assert comment_mail.to == ["anna@example.org"]
    assert "Gute Idee!" in comment_mail.body
    mailoutbox.clear()

    on_commit(
        services.suggestion_merge,
        actor=staff,
        suggestion_id=suggestion.pk,
        target_id=target.pk,
        seen_state=S.PUBLISHED,
    )
    run_worker()
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.org", "bob@example.org"]
    assert all("Laden am Hauptbahnhof" in m.body for m in mailoutbox)
    assert set(Follow.objects.values_list("suggestion_id", flat=True)) == {target.pk}
    mailoutbox.clear()

    on_commit(
        services.suggestion_answer, actor=staff, suggestion_id=target.pk, status="implemented", answer=""
    )
    run_worker()
    assert sorted(m.to[0] for m in mailoutbox) == ["anna@example.org", "bob@example.org"]


def test_a_follower_hears_nothing_unpublished(
    citizen, carl, staff, project, point_category, mailoutbox, run_worker, on_commit
):
    type(project).objects.filter(pk=project.pk).update(moderation_mode="pre")
    suggestion = SuggestionFactory(category=point_category)
    follow(citizen, suggestion, comments=True)

    pending = on_commit(
        services.comment_create,
        actor=actor(carl),
        suggestion_id=suggestion.pk,
        text="Werbung für meinen Laden",
    )
    run_worker()
    assert mailoutbox == []  # waiting for review: not public, not mailed

    decision = services.Decision("comment", pending.pk, S.PENDING)
    on_commit(services.item_decide, actor=staff, decision=decision, action="reject", reason="Werbung")
    run_worker()
    assert mailoutbox == []

    # Published, then hidden before the worker got to it: the worker drops it.
    type(project).objects.filter(pk=project.pk).update(moderation_mode="post")
    on_commit(services.comment_create, actor=actor(carl), suggestion_id=suggestion.pk, text="Beleidigung")
    on_commit(decide, staff=staff, suggestion=suggestion, action="hide", reason="Regeln")
    assert run_worker() == 0
    assert mailoutbox == []
    assert not Notice.objects.filter(sent_at__isnull=True).exists()  # dropped, not left hanging


def test_only_published_suggestions_can_be_followed(citizen, client_factory, point_category):
    for state in (S.PENDING, S.REJECTED, S.HIDDEN):
        hidden = SuggestionFactory(category=point_category, moderation_state=state, author=citizen)
        with pytest.raises(SuggestionNotFound):
            services.follow_add(user=citizen, suggestion_id=hidden.pk)
        client = client_factory(citizen)
        url = f"/projects/{hidden.project.slug}/suggestions/{hidden.pk}/follow/"
        response = client.post(url, {"action": "follow"})
        assert response.status_code == 404
    assert not Follow.objects.exists()


def test_a_supporter_is_asked_once(citizen, point_category):
    suggestion = SuggestionFactory(category=point_category)

    assert services.follow_question_ask(user=citizen, suggestion_id=suggestion.pk) is True
    assert services.follow_question_ask(user=citizen, suggestion_id=suggestion.pk) is False
    assert FollowQuestion.objects.filter(user=citizen, suggestion=suggestion).count() == 1


# ---------------------------------------------------------------------------------------------- alerts


def test_an_alert_hears_of_new_published_suggestions_only_when_published(
    citizen, bob, carl, staff, project, point_category, mailoutbox, run_worker, on_commit
):
    type(project).objects.filter(pk=project.pk).update(moderation_mode="pre")
    project.refresh_from_db()
    Profile.objects.filter(user=carl).update(notify=False)  # the author's own mails are another story
    alert(citizen, project)
    alert(bob, project, radius=50)  # too small to reach the suggestion

    pending = on_commit(create, user=carl, project=project, category=point_category)
    far = on_commit(create, user=carl, project=project, category=point_category, geometry=FAR, title="Weit")
    spam = on_commit(create, user=carl, project=project, category=point_category, title="Spam")
    assert run_worker() == 0
    assert mailoutbox == []  # pending: nobody hears of it at creation

    on_commit(decide, staff=staff, suggestion=spam, action="reject", reason="Werbung")
    on_commit(decide, staff=staff, suggestion=far, action="approve")
    run_worker()
    assert mailoutbox == []  # rejected: never; far away: not in the place

    on_commit(decide, staff=staff, suggestion=pending, action="approve")
    run_worker()
    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert "Neue Ladestation" in mail.body
    assert "Am Marktplatz" in mail.body
    assert f"/suggestions/{pending.pk}/" in mail.body
    mailoutbox.clear()

    # Post-moderation: published, hence told, at creation; the author's own alert stays silent.
    type(project).objects.filter(pk=project.pk).update(moderation_mode="post")
    project.refresh_from_db()
    alert(carl, project)
    on_commit(create, user=carl, project=project, category=point_category, title="Sofort sichtbar")
    run_worker()
    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert "Sofort sichtbar" in mail.body


def test_a_line_counts_when_it_comes_within_the_radius(
    citizen, project, line_category, mailoutbox, run_worker
):
    alert(
        citizen, project, lon=8.405, lat=49.005, radius=100
    )  # on the factory's line (8.40 49.00 → 8.41 49.01)
    carl = CitizenFactory(username="carl")
    services.suggestion_create(
        actor=actor(carl),
        project=project,
        category_key=line_category.key,
        geometry={"type": "LineString", "coordinates": [[8.40, 49.00], [8.41, 49.01]]},
        title="Radweg",
        text="",
    )
    run_worker()
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]


@pytest.mark.parametrize("radius", [0, 49, 5001, 10**9, -100, "abc", "", "nan", "1e3", None])
def test_absurd_radii_are_refused(citizen, project, radius):
    with pytest.raises(AlertRadiusInvalid) as refused:
        alert(citizen, project, radius=radius)
    assert "50" in refused.value.message
    assert "5000" in refused.value.message
    assert not PlaceAlert.objects.exists()


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(13.40, 52.52), (8.40, 95), (200, 49), ("nan", "nan"), ("inf", 49), ("", ""), ("8.4; DROP", 49)],
)
def test_places_outside_the_project_are_refused(citizen, project, lon, lat):
    with pytest.raises(AlertPlaceInvalid):
        alert(citizen, project, lon=lon, lat=lat)
    assert not PlaceAlert.objects.exists()


def test_a_wrong_delivery_is_refused(citizen, project):
    with pytest.raises(InvalidText):
        alert(citizen, project, delivery="hourly")


def test_a_person_has_at_most_five_alerts(citizen, project):
    for _n in range(5):
        alert(citizen, project)
    with pytest.raises(AlertLimit) as refused:
        alert(citizen, project)  # asked in German
    assert refused.value.status_code == 409
    assert "schon 5 Benachrichtigungen" in refused.value.message
    assert PlaceAlert.objects.filter(user=citizen).count() == 5


# --------------------------------------------------------------------------------------- daily digest


def test_the_daily_digest_gathers_everything_once(
    citizen, carl, staff, project, point_category, mailoutbox, run_worker, on_commit
):
    Profile.objects.filter(user=citizen).update(follow_delivery="daily")
    suggestion = SuggestionFactory(category=point_category, title="Ladestation am Bahnhof")
    follow(citizen, suggestion, comments=True)
    alert(citizen, project, delivery="daily")

    on_commit(
        services.suggestion_answer, actor=staff, suggestion_id=suggestion.pk, status="planned", answer=""
    )
    on_commit(services.comment_create, actor=actor(carl), suggestion_id=suggestion.pk, text="Endlich!")
    on_commit(create, user=carl, project=project, category=point_category, title="Noch eine")
    assert run_worker() == 0
    assert mailoutbox == []  # daily: nothing at once

    call_command("send_digests", verbosity=0)
    [digest] = mailoutbox
    assert digest.to == ["anna@example.org"]
    assert "3" in digest.subject
    for text in ("Ladestation am Bahnhof", "Geplant", "Endlich!", "Noch eine"):
        assert text in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    call_command("send_digests", verbosity=0)
    assert len(mailoutbox) == 1  # nothing twice


def test_a_digest_run_that_dies_half_way_loses_nothing_and_repeats_nothing(
    citizen, bob, carl, project, point_category, mailoutbox, monkeypatch
):
    alert(citizen, project, delivery="daily")
    alert(bob, project, delivery="daily")
    create(carl, project, point_category, title="Neu hier")
    real_send = django_mail.EmailMessage.send
    calls = []

    def second_fails(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 2:
            raise ConnectionError("mail server went away")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(django_mail.EmailMessage, "send", second_fails)
    with pytest.raises(ConnectionError):
        call_command("send_digests", verbosity=0)
    assert [m.to for m in mailoutbox] == [["anna@example.org"]]
    assert Notice.objects.filter(user=bob, sent_at__isnull=True).count() == 1  # still pending

    call_command("send_digests", verbosity=0)
    assert [m.to for m in mailoutbox] == [["anna@example.org"], ["bob@example.org"]]


# ------------------------------------------------------------------------------------------ unsubscribe


def _link(mail):
    return re.search(r"<https?://[^/]+(/[^>]+)>", mail.extra_headers["List-Unsubscribe"]).group(1)


def test_one_click_unsubscribes_a_follow_without_login_or_csrf(
    citizen, staff, point_category, mailoutbox, run_worker, on_commit
):
    suggestion = SuggestionFactory(category=point_category)
    follow(citizen, suggestion)
    on_commit(
        services.suggestion_answer, actor=staff, suggestion_id=suggestion.pk, status="planned", answer=""
    )
    run_worker()
    link = _link(mailoutbox[0])
    assert link in mailoutbox[0].body
    client = Client(enforce_csrf_checks=True)

    asked = client.get(link)
    assert asked.status_code == 200
    assert Follow.objects.exists()

    done = client.post(link, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert not Follow.objects.exists()
    assert client.post(link).status_code == 200  # a second click: same answer, nothing to do


def test_one_click_deletes_the_alert_of_its_mail(
    citizen, carl, project, point_category, mailoutbox, run_worker
):
    first = alert(citizen, project, name="Zuhause")
    second = alert(citizen, project, name="Arbeit", lon=8.402, lat=49.002)
    create(carl, project, point_category)
    run_worker()
    [mail] = mailoutbox  # one mail for one suggestion, even under two alerts: the first alert names it
    assert "Zuhause" in mail.body

    Client(enforce_csrf_checks=True).post(_link(mail))

    assert list(PlaceAlert.objects.values_list("pk", flat=True)) == [second.pk]
    assert first.pk != second.pk


@pytest.mark.parametrize(
    "forge",
    [
        lambda pk: "forged",
        lambda pk: signing.dumps(["alert", pk], salt="someone.else"),
        lambda pk: signing.dumps(["alert", pk], key="not-our-secret", salt="participation.unsubscribe"),
        lambda pk: signing.dumps(["alert", str(pk)], salt="participation.unsubscribe").replace("a", "b", 1),
    ],
)
def test_forged_unsubscribe_links_change_nothing(citizen, project, forge):
    kept = alert(citizen, project)
    client = Client(enforce_csrf_checks=True)
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{forge(kept.pk)}/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "This link is not valid." in response.content.decode()
    assert PlaceAlert.objects.filter(pk=kept.pk).exists()


def test_a_tampered_unsubscribe_link_changes_nothing(citizen, bob, project):
    mine = alert(citizen, project)
    theirs = alert(bob, project)
    token = unsubscribe_token("alert", mine.pk)
    _payload, rest = token.split(":", 1)
    # The same signature over someone else's alert id.
    tampered = signing.b64_encode(f'["alert",{theirs.pk}]'.encode()).decode() + ":" + rest
    for bad in (tampered, token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        response = Client(enforce_csrf_checks=True).post(f"/unsubscribe/{bad}/")
        assert response.status_code == 404
    assert PlaceAlert.objects.count() == 2


# -------------------------------------------------------------------------------------- personal data


def test_the_data_download_holds_follows_alerts_and_the_digest_choice(citizen, project, point_category):
    Profile.objects.filter(user=citizen).update(follow_delivery="daily")
    suggestion = SuggestionFactory(category=point_category)
    follow(citizen, suggestion, comments=True)
    alert(citizen, project, radius=750, name="Zuhause")
    client = Client()
    client.force_login(citizen)

    data = client.get("/account/data/").json()

    assert data["account"]["follow_mails"] == "daily"
    assert data["follows"] == [
        {
            "suggestion": suggestion.pk,
            "comments": True,
            "language": "de",
            "created": data["follows"][0]["created"],
        }
    ]
    [place] = data["place_alerts"]
    assert place["radius_metres"] == 750
    assert place["name"] == "Zuhause"
    assert place["centre"] == {"type": "Point", "coordinates": [8.4, 49.0]}


def test_deleting_the_account_deletes_follows_alerts_and_notices(citizen, carl, project, point_category):
    suggestion = SuggestionFactory(category=point_category)
    follow(citizen, suggestion)
    alert(citizen, project, delivery="daily")
    create(carl, project, point_category)
    assert Notice.objects.filter(user=citizen).exists()

    services.account_delete(user=citizen)

    assert not Follow.objects.exists()
    assert not PlaceAlert.objects.exists()
    assert not Notice.objects.exists()
    assert not FollowQuestion.objects.exists()


def test_an_alert_centre_is_stored_as_given(citizen, project):
    made = alert(citizen, project, lon="8.4123456789", lat="49.0012345678")
    made.refresh_from_db()
    assert made.centre.equals_exact(Point(8.4123457, 49.0012346, srid=4326), 1e-9)


def test_a_merge_keeps_the_choice_of_someone_who_already_follows_the_target(
    citizen, staff, point_category, run_worker, on_commit
):
    duplicate = SuggestionFactory(category=point_category)
    target = SuggestionFactory(category=point_category)
    follow(citizen, duplicate, comments=False)
    follow(citizen, target, comments=True)

    on_commit(
        services.suggestion_merge,
        actor=staff,
        suggestion_id=duplicate.pk,
        target_id=target.pk,
        seen_state=S.PUBLISHED,
    )

    [kept] = Follow.objects.filter(user=citizen)
    assert (kept.suggestion_id, kept.comments) == (target.pk, True)
    assert run_worker() == 0


def test_unfollowing_drops_what_was_not_mailed_yet(
    citizen, carl, point_category, on_commit, mailoutbox, run_worker
):
    Profile.objects.filter(user=citizen).update(follow_delivery="daily")
    suggestion = SuggestionFactory(category=point_category)
    follow(citizen, suggestion, comments=True)
    on_commit(services.comment_create, actor=actor(carl), suggestion_id=suggestion.pk, text="Na ja")
    assert Notice.objects.filter(user=citizen, sent_at__isnull=True).count() == 1

    services.follow_remove(user=citizen, suggestion_id=suggestion.pk)
    call_command("send_digests", verbosity=0)

    assert mailoutbox == []
    assert not Notice.objects.exists()


def test_an_account_without_a_profile_follows_with_mails_at_once(
    staff, point_category, mailoutbox, run_worker, on_commit
):
    bare = CitizenFactory(username="admin-made", email="bare@example.org")
    Profile.objects.filter(user=bare).delete()
    suggestion = SuggestionFactory(category=point_category)
    follow(bare, suggestion)

    on_commit(
        services.suggestion_answer, actor=staff, suggestion_id=suggestion.pk, status="planned", answer=""
    )
    assert run_worker() == 0

    assert [m.to for m in mailoutbox] == [["bare@example.org"]]
