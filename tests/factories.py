"""factory-boy factories for the tests' rows. Their defaults are the usual case (a published suggestion or
comment, a signed-up citizen as supporter, reporter or token holder), so a test names only what it is about;
counters such as a suggestion's comment_count are left to the test that reads them."""

import io
import secrets
from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image
from rest_framework.authtoken.models import Token

from geo.layers.models import ContextFeature, ContextLayer, LayerRole
from participation.images import RENDITIONS, photo_process
from participation.models import (
    Category,
    Comment,
    ModerationState,
    Photo,
    Profile,
    Project,
    ProjectRole,
    Report,
    ReportReason,
    StaffRole,
    Suggestion,
    Support,
)
from participation.services.photos import photo_file_name, photo_storage

# A 0.2° x 0.1° box around Karlsruhe's centre: big enough for every test geometry below.
AREA = MultiPolygon(Polygon.from_bbox((8.30, 48.95, 8.50, 49.05)), srid=4326)


class UserFactory(factory.django.DjangoModelFactory):
    """An account. `moderator_of=project` and `planner_of=project` give it that staff role in the project."""

    class Meta:
        model = get_user_model()
        # The role hooks below write their own rows: no second save of the user after them.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def moderator_of(user, create: bool, project: Project | None, **kwargs) -> None:
        if create and project is not None:
            ProjectRoleFactory(project=project, user=user, role=StaffRole.MODERATOR)

    @factory.post_generation
    def planner_of(user, create: bool, project: Project | None, **kwargs) -> None:
        if create and project is not None:
            ProjectRoleFactory(project=project, user=user, role=StaffRole.PLANNER)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"project-{n}")
    title_de = factory.Sequence(lambda n: f"Projekt {n}")
    title_en = factory.Sequence(lambda n: f"Project {n}")
    area = AREA
    map_center = Point(8.40, 49.00, srid=4326)
    map_zoom = 13
    phase_start = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    phase_end = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    project = factory.SubFactory(ProjectFactory)
    key = factory.Sequence(lambda n: f"category-{n}")
    label_de = factory.Sequence(lambda n: f"Kategorie {n}")
    label_en = factory.Sequence(lambda n: f"Category {n}")
    geometry_kind = "point"
    colour = "#1b7f3b"


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    category = factory.SubFactory(CategoryFactory)
    project = factory.SelfAttribute("category.project")
    geom = factory.LazyAttribute(
        lambda s: (
            LineString((8.40, 49.00), (8.41, 49.01), srid=4326)
            if s.category.geometry_kind == "line"
            else Point(8.40, 49.00, srid=4326)
        )
    )
    title = factory.Sequence(lambda n: f"Vorschlag {n}")
    text = "Hier wäre eine Ladestation sinnvoll."
    display_name = "Anna K."
    moderation_state = ModerationState.PUBLISHED


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    display_name = factory.Sequence(lambda n: f"Bürger*in {n}")


class CitizenFactory(UserFactory):
    """A user as sign-up leaves them: a public name and a confirmed e-mail address."""

    class Meta:
        skip_postgeneration_save = True

    profile = factory.RelatedFactory(ProfileFactory, factory_related_name="user")
    confirmed = factory.RelatedFactory(
        "tests.factories.EmailAddressFactory",
        factory_related_name="user",
        email=factory.SelfAttribute("..email"),
    )


class EmailAddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory)
    email = factory.LazyAttribute(lambda a: a.user.email)
    verified = True
    primary = True


class ProjectRoleFactory(factory.django.DjangoModelFactory):
    """A staff role (moderator unless `role=` says otherwise). For a new account
    `UserFactory(moderator_of=project)` (or `planner_of=`) is shorter; this one is for an account that exists
    already, or a role chosen in a loop."""

    class Meta:
        model = ProjectRole

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffRole.MODERATOR


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment, published like SuggestionFactory's suggestions (the model's default is pending). A reply
    (`parent=`) is on its parent's suggestion. The suggestion's comment_count is left alone: a test that
    reads it sets it."""

    class Meta:
        model = Comment

    parent = None
    suggestion = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.suggestion"),
        no_declaration=factory.SubFactory(SuggestionFactory),
    )
    text = "Gute Idee"
    moderation_state = ModerationState.PUBLISHED


def _photo_renditions() -> dict[str, bytes]:
    """A small photo as the server stores it (re-encoded), made once."""
    if not _PHOTO_RENDITIONS:
        source = io.BytesIO()
        Image.new("RGB", (64, 48), (20, 120, 60)).save(source, "PNG")
        processed = photo_process(source)
        _PHOTO_RENDITIONS.update({name: r.data for name, r in processed.renditions.items()})
    return _PHOTO_RENDITIONS


_PHOTO_RENDITIONS: dict[str, bytes] = {}


class PhotoFactory(factory.django.DjangoModelFactory):
    """A published photo of a suggestion (`comment=` for a comment's), with its files in the photo storage.
    Positions count from 0: a second photo of one suggestion names `position=1`."""

    class Meta:
        model = Photo
        skip_postgeneration_save = True

    suggestion = factory.SubFactory(SuggestionFactory)
    comment = None
    position = 0
    author = factory.SelfAttribute("suggestion.author")
    alt_text = "Die Ecke an der Haltestelle"
    moderation_state = ModerationState.PUBLISHED
    key = factory.LazyFunction(lambda: secrets.token_urlsafe(16))
    width = 64
    height = 48

    @factory.post_generation
    def files(photo, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            for name in RENDITIONS:
                photo_storage().save(photo_file_name(photo.key, name), ContentFile(_photo_renditions()[name]))


class SupportFactory(factory.django.DjangoModelFactory):
    """A citizen's support. An anonymous browser's: `user=None, browser=...`. The suggestion's support_count
    is left alone."""

    class Meta:
        model = Support

    suggestion = factory.SubFactory(SuggestionFactory)
    user = factory.SubFactory(CitizenFactory)


class ReportFactory(factory.django.DjangoModelFactory):
    """An open report by a citizen, of a suggestion or (`comment=`) of a comment on it."""

    class Meta:
        model = Report

    comment = None
    suggestion = factory.Maybe(
        "comment",
        yes_declaration=factory.SelfAttribute("comment.suggestion"),
        no_declaration=factory.SubFactory(SuggestionFactory),
    )
    reporter = factory.SubFactory(CitizenFactory)
    reason = ReportReason.SPAM


class TokenFactory(factory.django.DjangoModelFactory):
    """An API token (Django REST framework's authtoken); its key is made when it is saved."""

    class Meta:
        model = Token

    user = factory.SubFactory(CitizenFactory)


class FacilityLayerFactory(factory.django.DjangoModelFactory):
    """A public context layer of existing facilities for a category (geo.layers), named in both languages."""

    class Meta:
        model = ContextLayer

    category = factory.SubFactory(CategoryFactory)
    project = factory.SelfAttribute("category.project")
    role = LayerRole.FACILITIES
    name_de = factory.Sequence(lambda n: f"Anlagen {n}")
    name_en = factory.Sequence(lambda n: f"Facilities {n}")
    public = True


class ContextFeatureFactory(factory.django.DjangoModelFactory):
    """One feature of a context layer: a point in the project's area unless the test places it."""

    class Meta:
        model = ContextFeature

    layer = factory.SubFactory(FacilityLayerFactory)
    geom = Point(8.40, 49.00, srid=4326)
    properties = factory.LazyFunction(dict)
