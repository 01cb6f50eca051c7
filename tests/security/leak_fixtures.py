"""The world of the leak walk (tests/security/test_leak_walk.py): projects whose secrets carry marker strings,
the people who may or may not read them, and the table of who may read which marker where.

Everything that changes a count is made through the services, as citizens, moderators and planners make it
(comment and support counters, the cluster cells, the tile cache and the mail queue follow their own rules),
so the walk compares what the site shows with what the rows say, not with numbers the fixture wrote.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.gis.geos import Point, Polygon
from django.core import signing
from django.utils import timezone

from geo.analysis.services import analysis_rebuild
from geo.models import ContextFeature, ContextLayer, ExportJob
from participation import services
from participation.contacts import contact_from_link, contact_link
from participation.follow_mail import alert_confirm_link, queue_alert_confirmation
from participation.models import (
    Comment,
    ModerationMode,
    ModerationState,
    Photo,
    PlaceAlert,
    Suggestion,
    SuggestionContact,
)
from participation.notifications import UNSUBSCRIBE_SALT, queue_contact_confirmation
from participation.participants import Participant
from surveys.services import response_submit
from tests.factories import (
    CategoryFactory,
    CitizenFactory,
    PhotoFactory,
    ProjectFactory,
    SuggestionFactory,
    TokenFactory,
    UserFactory,
)
from tests.surveys.factories import QuestionFactory, SurveyFactory

SUFFIX = "7f3a"


def _marker(name: str) -> str:
    return f"LEAK-{name}-{SUFFIX}"


# Secrets: each must reach only the readers VISIBLE names. Personal data are e-mail addresses and real names.
SECRETS = {
    name: _marker(name)
    for name in (
        "pending-title",
        "pending-text",
        "rejected-title",
        "rejected-text",
        "reject-reason",
        "hidden-title",
        "hidden-text",
        "hidden-answer",
        "hide-reason",
        "merged-title",
        "merged-text",
        "withdrawn-title",
        "anon-title",
        "anon-name",
        "alert-name",
        "pending-comment",
        "rejected-comment",
        "comment-reason",
        "hidden-comment",
        "reply-under-hidden",
        "report-text",
        "report-comment-text",
        "survey-answer",
        "other-survey-answer",
        "other-pending-title",
        "other-hidden-title",
        "private-project",
        "private-title",
        "staff-layer-name",
        "staff-layer-feature",
        "address-hash",
        "a-first-name",
        "a-last-name",
        "photo-on-pending",
        "photo-pending-on-pub",
        "photo-rejected-on-pub",
        "photo-on-hidden",
        "photo-on-hidden-comment",
        "other-photo",
    )
}
SECRETS |= {
    "a-email": f"leak-a-mail-{SUFFIX}@example.org",
    "b-email": f"leak-b-mail-{SUFFIX}@example.org",
    "anon-email": f"leak-anon-mail-{SUFFIX}@example.org",
    "alert-email": f"leak-alert-mail-{SUFFIX}@example.org",
}
# Published content: anyone may read it; the walk checks that the public reads do show it (so a walk that
# read nothing could not pass).
PUBLIC = {
    name: f"SHOWN-{name}-{SUFFIX}"
    for name in ("pub1-title", "pub2-title", "pub3-title", "answer", "photo-alt", "comment-photo-alt")
}

ROLES = (
    "anonymous",
    "citizen_a",  # author of most secrets
    "citizen_b",  # another account
    "moderator",  # of the project
    "moderator_other",  # of the other project
    "planner",  # of the project
    "planner_other",  # of the other project
    "admin",  # site administrator (superuser, staff)
)

# --------------------------------------------------------------------------------- who may read what, where
# Views are URL pattern keys ("namespace:name"). ALL: wherever it is shown.
ALL = "*"
# The moderation pages: the queue and a suggestion's versions (any suggestion of the project).
QUEUE = frozenset({"participation:moderation-queue", "participation:moderation-versions"})
# What planners of a project work with: the answer page and the exports (published, pending and rejected
# suggestions on request; never hidden, merged or withdrawn ones; never a name, address or report).
PLANNING = frozenset(
    {
        "participation:planning-answer",
        "geo:export",
        "geo:export-download",
        "api:project-export",
        "api:export-job-download",
    }
)
SURVEY_RESULTS = frozenset(
    {"surveys:results", "surveys:export-csv", "surveys:export-xlsx", "surveys:export-geojson"}
)
ACCOUNT_DATA = frozenset({"participation:account-data"})
# "My suggestions" lists every suggestion of its reader, hidden and merged ones too (titles, not texts).
OWN_LIST = frozenset({"participation:account-suggestions"})
# The signed link in the anonymous author's confirmation mail names their suggestion to whoever holds it.
CONTACT_LINK = frozenset({"participation:contact-confirm"})

# The OGC API's staff collections (`<slug>-points-staff`, …; test_leak_walk.view_of names their
# resources so): the project's suggestions in the states its planners (published, pending, rejected) and
# moderators (also hidden) see, never a name, an address or a report's text.
STAFF_OGC = frozenset(
    {
        "ogcapi-staff:collection",
        "ogcapi-staff:queryables",
        "ogcapi-staff:items",
        "ogcapi-staff:item",
    }
)
_P_STAFF_SEES_PENDING = {"moderator": QUEUE | STAFF_OGC, "planner": PLANNING | STAFF_OGC, "admin": ALL}
# A context layer that is not public: its name in the map's list of layers, its features in its tiles, for
# the project's moderators and planners only.
STAFF_LAYER = frozenset({"api:context-layer-list", "tiles:layer-tile"})
# Where a suggestion's photos are listed with their descriptions: its detail and its photo list. A project's
# moderators see every photo of a suggestion they may see, those waiting or rejected too.
PHOTO_LISTS = frozenset({"api:suggestion-detail", "api:suggestion-photo-list"})
VISIBLE: dict[str, dict[str, frozenset[str] | str]] = {
    # Citizen A's suggestion waiting for review: A, the project's moderators (queue) and planners.
    "pending-title": {"citizen_a": ALL, **_P_STAFF_SEES_PENDING},
    "pending-text": {"citizen_a": ALL, **_P_STAFF_SEES_PENDING},
    # Rejected: A reads it with the moderators' reason; planners may export rejected ones on request.
    "rejected-title": {"citizen_a": ALL, **_P_STAFF_SEES_PENDING},
    "rejected-text": {"citizen_a": ALL, **_P_STAFF_SEES_PENDING},
    # Reasons and answers are also their writer's own data (the moderator's or planner's data download).
    "reject-reason": {"citizen_a": ALL, "moderator": QUEUE | ACCOUNT_DATA, "admin": ALL},
    # Hidden by the moderators: gone for everyone, its author included (except in their own data download).
    "hidden-title": {"citizen_a": ACCOUNT_DATA | OWN_LIST, "moderator": QUEUE | STAFF_OGC, "admin": ALL},
    "hidden-text": {"citizen_a": ACCOUNT_DATA, "moderator": QUEUE | STAFF_OGC, "admin": ALL},
    "hidden-answer": {
        "citizen_a": ACCOUNT_DATA,
        "moderator": QUEUE | STAFF_OGC,
        "planner": ACCOUNT_DATA,
        "admin": ALL,
    },
    "hide-reason": {"moderator": QUEUE | ACCOUNT_DATA, "admin": ALL},
    # Merged into another one by the moderators: its address leads to the other; B's own data keeps it.
    "merged-title": {"citizen_b": ACCOUNT_DATA | OWN_LIST, "moderator": QUEUE, "admin": ALL},
    "merged-text": {"citizen_b": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    "withdrawn-title": {"citizen_a": ALL, "moderator": QUEUE, "admin": ALL},
    # An anonymous author's pending suggestion, their public name and (personal data) their e-mail address.
    "anon-title": {ALL: CONTACT_LINK, **_P_STAFF_SEES_PENDING},
    "anon-name": {"moderator": QUEUE, "admin": ALL},
    "anon-email": {"admin": ALL},
    # An alert made without an account: its address and the name its maker typed (a stranger's address
    # may have been typed: its confirmation mail carries neither the name nor anything else they wrote).
    "alert-email": {"admin": ALL},
    "alert-name": {"admin": ALL},
    # Comments: pending, rejected and hidden ones only for their author and the moderators.
    "pending-comment": {"citizen_a": ALL, "moderator": QUEUE, "admin": ALL},
    "rejected-comment": {"citizen_b": ALL, "moderator": QUEUE, "admin": ALL},
    "comment-reason": {"moderator": QUEUE | ACCOUNT_DATA, "admin": ALL},
    "hidden-comment": {"citizen_b": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    # A published reply under a comment hidden later: the thread no longer shows it; planners' GeoPackage
    # lists published comments (it is published), so planners may read it there.
    "reply-under-hidden": {"citizen_a": ALL, "moderator": QUEUE, "planner": PLANNING, "admin": ALL},
    # Reports and their texts: the reporter (A) in their data, the project's moderators.
    "report-text": {"citizen_a": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    "report-comment-text": {"citizen_a": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    # Survey answers: the project's planners (results, exports).
    "survey-answer": {"citizen_a": ALL, "planner": SURVEY_RESULTS, "admin": ALL},
    "other-survey-answer": {"citizen_b": ALL, "planner_other": SURVEY_RESULTS, "admin": ALL},
    # The other project's secrets: its own staff only.
    "other-pending-title": {
        "citizen_b": ALL,
        "moderator_other": QUEUE | STAFF_OGC,
        "planner_other": PLANNING | STAFF_OGC,
        "admin": ALL,
    },
    "other-hidden-title": {
        "citizen_b": ACCOUNT_DATA | OWN_LIST,
        "moderator_other": QUEUE | STAFF_OGC,
        "admin": ALL,
    },
    # A project that is not public: site administrators only.
    "private-project": {"admin": ALL},
    "private-title": {"admin": ALL},
    "staff-layer-name": {"moderator": STAFF_LAYER, "planner": STAFF_LAYER, "admin": ALL},
    "staff-layer-feature": {"moderator": STAFF_LAYER, "planner": STAFF_LAYER, "admin": ALL},
    # Personal data: the person themselves; the address hash nobody (not even the admin shows it).
    "address-hash": {},
    "a-first-name": {"citizen_a": ALL, "admin": ALL},
    "a-last-name": {"citizen_a": ALL, "admin": ALL},
    "a-email": {"citizen_a": ALL, "admin": ALL},
    "b-email": {"citizen_b": ALL, "admin": ALL},
    # Photos (their descriptions): one on A's pending suggestion, one waiting and one rejected on the
    # published pub1, one on the hidden suggestion, one on the hidden comment, one on the other project's
    # pending suggestion. The queue shows a waiting item's photos, a photo waiting on a published item as its
    # own item, and a reported item's published photos (to remove or blur them).
    "photo-on-pending": {"citizen_a": ALL, "moderator": QUEUE, "admin": ALL},
    "photo-pending-on-pub": {"citizen_a": ALL, "moderator": PHOTO_LISTS | QUEUE, "admin": ALL},
    # Their authors' own data lists every photo, rejected and hidden ones too.
    "photo-rejected-on-pub": {"citizen_a": ACCOUNT_DATA, "moderator": PHOTO_LISTS, "admin": ALL},
    "photo-on-hidden": {"citizen_a": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    "photo-on-hidden-comment": {"citizen_b": ACCOUNT_DATA, "moderator": QUEUE, "admin": ALL},
    "other-photo": {"citizen_b": ALL, "moderator_other": QUEUE, "admin": ALL},
}
# Who may fetch each photo's files (tests/security/test_leak_walk.py): the photo's author while it waits,
# the project's moderators (the queue) and site administrators whatever its state, everyone once published
# on a published contribution.
PHOTO_READERS = {
    "public": set(ROLES),
    "on_comment": set(ROLES),
    "on_pending": {"citizen_a", "moderator", "admin"},
    "pending_on_pub": {"citizen_a", "moderator", "admin"},
    "rejected_on_pub": {"moderator", "admin"},
    "on_hidden": {"moderator", "admin"},
    "on_hidden_comment": {"moderator", "admin"},
    "other": {"citizen_b", "moderator_other", "admin"},
}


def allowed(role: str, view: str) -> set[str]:
    """The secret markers `role` may read at `view`."""
    found = set()
    for name, readers in VISIBLE.items():
        for who in (role, ALL):
            where = readers.get(who)
            if where == ALL or (where and view in where):
                found.add(name)
    return found


def markers_in(body: bytes) -> set[str]:
    """The names of the secret markers in `body`."""
    return {name for name, marker in SECRETS.items() if marker.encode() in body}


# ---------------------------------------------------------------------------------------------- the world
# A few hundred metres around Karlsruhe's market square, inside tests.factories.AREA.
POINTS = {
    "pub1": (8.4010, 49.0010),
    "pub3": (8.4030, 49.0030),
    "pending": (8.4012, 49.0012),
    "rejected": (8.4014, 49.0014),
    "hidden": (8.4016, 49.0016),
    "merged": (8.4031, 49.0031),
    "withdrawn": (8.4018, 49.0018),
    "anon": (8.4020, 49.0020),
}
LINE = ((8.4000, 49.0000), (8.4040, 49.0040))


@dataclass
class World:
    project: object
    other: object
    private: object
    users: dict[str, object]
    tokens: dict[str, str]
    suggestions: dict[str, Suggestion]
    comments: dict[str, Comment]
    surveys: dict[str, object]
    jobs: dict[str, ExportJob]
    contact_token: str
    unsubscribe_token: str
    alert_token: str
    published: dict[str, list[int]] = field(default_factory=dict)  # project slug -> published ids
    slug_of: dict[int, str] = field(default_factory=dict)  # suggestion id -> its project's slug
    slug_of_survey: dict[int, str] = field(default_factory=dict)  # survey id -> its project's slug
    layer_ids: list[int] = field(default_factory=list)  # the context layers of every project
    district_ids: list[int] = field(default_factory=list)  # the districts (feature ids) of every project
    photos: dict[str, Photo] = field(default_factory=dict)  # PHOTO_READERS' names

    def by_pk(self) -> dict[int, str]:
        return {s.pk: name for name, s in self.suggestions.items()}


def _point(name: str) -> dict:
    return {"type": "Point", "coordinates": list(POINTS[name])}


def _decide(moderator, item, action: str, reason: str = "") -> None:
    item.refresh_from_db()
    kind = "comment" if isinstance(item, Comment) else "suggestion"
    decision = services.Decision(kind, item.pk, item.moderation_state)
    services.item_decide(actor=moderator, decision=decision, action=action, reason=reason)


def build_world() -> World:
    """Two public pre-moderated projects and a private one, with every kind of secret. Commits nothing by
    itself: the caller decides about the transaction."""
    m = SECRETS
    project = ProjectFactory(
        slug="leak-walk",
        title_de="Leak walk",
        title_en="Leak walk",
        moderation_mode=ModerationMode.PRE,
        allow_anonymous=True,
    )
    other = ProjectFactory(slug="leak-walk-other", moderation_mode=ModerationMode.PRE)
    private = ProjectFactory(
        slug="leak-walk-private",
        title_de=m["private-project"],
        title_en=m["private-project"],
        is_public=False,
    )
    point = CategoryFactory(project=project, key="charging-station", geometry_kind="point")
    CategoryFactory(project=project, key="bike-path", geometry_kind="line", colour="#c2410c")
    CategoryFactory(project=other, key="charging-station", geometry_kind="point")
    private_point = CategoryFactory(project=private, key="charging-station", geometry_kind="point")

    a = CitizenFactory(
        username="leak-a",
        email=m["a-email"],
        first_name=m["a-first-name"],
        last_name=m["a-last-name"],
        profile__display_name="Anna Walk",
    )
    b = CitizenFactory(username="leak-b", email=m["b-email"], profile__display_name="Bert Walk")
    users = {
        "citizen_a": a,
        "citizen_b": b,
        "moderator": CitizenFactory(username="leak-moderator", moderator_of=project),
        "moderator_other": CitizenFactory(username="leak-moderator-other", moderator_of=other),
        "planner": CitizenFactory(username="leak-planner", planner_of=project),
        "planner_other": CitizenFactory(username="leak-planner-other", planner_of=other),
        "admin": UserFactory(username="leak-admin", is_staff=True, is_superuser=True),
    }
    moderator, planner = users["moderator"], users["planner"]
    as_a = Participant(user=a, address="192.0.2.11")
    as_b = Participant(user=b, address="192.0.2.12")

    def suggest(actor, name, title, text="", *, geometry=None, category="charging-station", where=project):
        return services.suggestion_create(
            actor=actor,
            project=where,
            category_key=category,
            geometry=geometry or _point(name),
            title=title,
            text=text,
        )

    s = {
        "pub1": suggest(as_a, "pub1", PUBLIC["pub1-title"], "Am Markt."),
        "pub2": suggest(
            as_b,
            "",
            PUBLIC["pub2-title"],
            geometry={"type": "LineString", "coordinates": [list(p) for p in LINE]},
            category="bike-path",
        ),
        "pub3": suggest(as_b, "pub3", PUBLIC["pub3-title"]),
        "pending": suggest(as_a, "pending", m["pending-title"], m["pending-text"]),
        "rejected": suggest(as_a, "rejected", m["rejected-title"], m["rejected-text"]),
        "hidden": suggest(as_a, "hidden", m["hidden-title"], m["hidden-text"]),
        "merged": suggest(as_b, "merged", m["merged-title"], m["merged-text"]),
        "withdrawn": suggest(as_a, "withdrawn", m["withdrawn-title"]),
    }
    for name in ("pub1", "pub2", "pub3", "hidden", "withdrawn"):
        _decide(moderator, s[name], "approve")
    _decide(moderator, s["rejected"], "reject", m["reject-reason"])
    services.suggestion_answer(
        actor=planner, suggestion_id=s["pub1"].pk, status="planned", answer=PUBLIC["answer"]
    )
    services.suggestion_answer(
        actor=planner, suggestion_id=s["hidden"].pk, status="declined", answer=m["hidden-answer"]
    )
    _decide(moderator, s["hidden"], "hide", m["hide-reason"])
    services.suggestion_merge(
        actor=moderator,
        suggestion_id=s["merged"].pk,
        target_id=s["pub3"].pk,
        seen_state=ModerationState.PENDING,
    )
    services.suggestion_withdraw(actor=as_a, suggestion_id=s["withdrawn"].pk)

    # An anonymous author: a public name, a confirmed e-mail address; the confirmation mail is queued.
    s["anon"] = SuggestionFactory(
        category=point,
        geom=Point(*POINTS["anon"], srid=4326),
        title=m["anon-title"],
        display_name=m["anon-name"],
        moderation_state=ModerationState.PENDING,
    )
    contact = SuggestionContact.objects.create(
        suggestion=s["anon"], email=m["anon-email"], language="de", confirmed_at=timezone.now()
    )
    queue_contact_confirmation(contact)
    anonymous_alert = PlaceAlert.objects.create(
        project=project,
        email=m["alert-email"],
        name=m["alert-name"],
        centre=Point(8.4, 49.0, srid=4326),
        radius=500,
        language="de",
    )
    queue_alert_confirmation(anonymous_alert)
    # Kept for abuse handling only: never shown.
    Suggestion.objects.filter(pk__in=[s["anon"].pk, s["pending"].pk]).update(source_address=m["address-hash"])

    s["other_pending"] = suggest(as_b, "pub1", m["other-pending-title"], where=other)
    s["other_hidden"] = suggest(as_b, "pub3", m["other-hidden-title"], where=other)
    s["other_pub"] = suggest(as_b, "pending", "Other published", where=other)
    _decide(users["moderator_other"], s["other_pub"], "approve")
    _decide(users["moderator_other"], s["other_hidden"], "approve")
    _decide(users["moderator_other"], s["other_hidden"], "hide")
    s["private_pub"] = SuggestionFactory(
        category=private_point, geom=Point(*POINTS["pub1"], srid=4326), title=m["private-title"]
    )

    # Comments on pub1, through the services (pre-moderation: each waits), then decided.
    def comment(actor, text, parent=None):
        return services.comment_create(
            actor=actor, suggestion_id=s["pub1"].pk, text=text, parent_id=parent.pk if parent else None
        )

    c = {"published": comment(as_b, "A fine idea, says Bert.")}
    _decide(moderator, c["published"], "approve")
    c["reply"] = comment(as_a, "Thank you, says Anna.", c["published"])
    c["hidden"] = comment(as_b, m["hidden-comment"])
    _decide(moderator, c["reply"], "approve")
    _decide(moderator, c["hidden"], "approve")
    c["reply_under_hidden"] = comment(as_a, m["reply-under-hidden"], c["hidden"])
    _decide(moderator, c["reply_under_hidden"], "approve")
    _decide(moderator, c["hidden"], "hide")
    c["pending"] = comment(as_a, m["pending-comment"])
    c["rejected"] = comment(as_b, m["rejected-comment"])
    _decide(moderator, c["rejected"], "reject", m["comment-reason"])
    Comment.objects.filter(pk=c["pending"].pk).update(source_address=m["address-hash"])

    # Open reports (moderators read them in the queue); supports.
    services.report_create(actor=as_a, suggestion_id=s["pub2"].pk, reason="spam", text=m["report-text"])
    services.report_create(
        actor=as_a,
        suggestion_id=s["pub1"].pk,
        reason="offensive",
        text=m["report-comment-text"],
        comment_id=c["published"].pk,
    )
    services.support_add(actor=as_b, suggestion_id=s["pub1"].pk)
    services.support_add(actor=as_a, suggestion_id=s["pub3"].pk)

    # Surveys with free-text answers, one per project.
    surveys = {}
    for key, where, actor, answer in (
        ("survey", project, as_a, m["survey-answer"]),
        ("other_survey", other, as_b, m["other-survey-answer"]),
    ):
        survey = SurveyFactory(project=where, slug=f"leak-{key.replace('_', '-')}")
        question = QuestionFactory(survey=survey, kind="text")
        response_submit(survey=survey, participant=actor, answers={question.pk: answer})
        surveys[key] = survey

    # Export jobs (queued: no file yet) of each project, for the job pages and the download refusals.
    jobs = {
        key: ExportJob.objects.create(
            project=where,
            requested_by=users[who],
            format="gpkg",
            expires_at=timezone.now() + timedelta(hours=1),
        )
        for key, where, who in (("job", project, "planner"), ("other_job", other, "planner_other"))
    }

    for item in [*s.values(), *c.values()]:
        item.refresh_from_db()
    world = World(
        project=project,
        other=other,
        private=private,
        users=users,
        tokens={role: TokenFactory(user=user).key for role, user in users.items()},
        suggestions=s,
        comments=c,
        surveys=surveys,
        jobs=jobs,
        contact_token=contact_link(contact).rstrip("/").rsplit("/", 1)[-1],
        unsubscribe_token=signing.dumps(["user", a.pk], salt=UNSUBSCRIBE_SALT),
        alert_token=alert_confirm_link(anonymous_alert).rstrip("/").rsplit("/", 1)[-1],
    )
    assert contact_from_link(world.contact_token) == contact
    world.slug_of = dict(
        Suggestion.objects.filter(pk__in=[x.pk for x in s.values()]).values_list("pk", "project__slug")
    )
    world.slug_of_survey = {survey.pk: survey.project.slug for survey in surveys.values()}
    # A context layer for the project's staff, with a feature where pub1 is, and a public one beside it.
    staff_layer = ContextLayer.objects.create(
        project=project,
        name_de=m["staff-layer-name"],
        name_en=m["staff-layer-name"],
        role="reference",
        public=False,
    )
    public_layer = ContextLayer.objects.create(project=project, name="Public layer", role="reference")
    for layer, name in ((staff_layer, m["staff-layer-feature"]), (public_layer, "public feature")):
        ContextFeature.objects.create(
            layer=layer, geom=Point(*POINTS["pub1"], srid=4326), properties={"name": name}
        )
    world.layer_ids = [staff_layer.pk, public_layer.pk]
    # A public districts layer with one district around every suggestion: its feed (geo:district-feed)
    # lists the published ones; the analysis learns the district by a rebuild, as after an import.
    districts = ContextLayer.objects.create(project=project, name="Districts", role="districts")
    world.district_ids = [
        ContextFeature.objects.create(
            layer=districts,
            geom=Polygon.from_bbox((8.39, 48.99, 8.42, 49.02)),
            properties={"name": "Leak district"},
        ).pk
    ]
    analysis_rebuild(project_id=project.pk)
    world.photos = _photos(s, c, a, b)
    for where in (project, other, private):
        world.published[where.slug] = sorted(
            Suggestion.objects.filter(project=where, moderation_state=ModerationState.PUBLISHED).values_list(
                "pk", flat=True
            )
        )
    return world


def _photos(s: dict, c: dict, a: object, b: object) -> dict[str, Photo]:
    """Photos in every state that matters, each named by PHOTO_READERS, with their files in the storage."""
    m, published, pending = SECRETS, ModerationState.PUBLISHED, ModerationState.PENDING
    return {
        "public": PhotoFactory(suggestion=s["pub1"], author=a, alt_text=PUBLIC["photo-alt"]),
        "pending_on_pub": PhotoFactory(
            suggestion=s["pub1"],
            author=a,
            position=1,
            alt_text=m["photo-pending-on-pub"],
            moderation_state=pending,
        ),
        "rejected_on_pub": PhotoFactory(
            suggestion=s["pub1"],
            author=a,
            position=2,
            alt_text=m["photo-rejected-on-pub"],
            moderation_state=ModerationState.REJECTED,
        ),
        "on_pending": PhotoFactory(
            suggestion=s["pending"], author=a, alt_text=m["photo-on-pending"], moderation_state=pending
        ),
        "on_hidden": PhotoFactory(
            suggestion=s["hidden"], author=a, alt_text=m["photo-on-hidden"], moderation_state=published
        ),
        "on_comment": PhotoFactory(
            suggestion=s["pub1"], comment=c["published"], author=b, alt_text=PUBLIC["comment-photo-alt"]
        ),
        "on_hidden_comment": PhotoFactory(
            suggestion=s["pub1"], comment=c["hidden"], author=b, alt_text=m["photo-on-hidden-comment"]
        ),
        "other": PhotoFactory(
            suggestion=s["other_pending"], author=b, alt_text=m["other-photo"], moderation_state=pending
        ),
    }


def check_markers_are_distinct() -> None:
    """No marker may hide inside another, or one would be reported where only the other is."""
    everything = {**SECRETS, **PUBLIC}
    for name, marker in everything.items():
        for other_name, other_marker in everything.items():
            assert name == other_name or marker not in other_marker, (name, other_name)
    assert set(VISIBLE) == set(SECRETS), set(VISIBLE) ^ set(SECRETS)
