"""The people behind accounts: the profile a participant shows the public, and staff roles in projects."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .projects import Project


class Profile(models.Model):
    """What a participant shows the public. The e-mail address stays with the account, never in a payload."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("public name"), max_length=80)
    notify = models.BooleanField(
        _("e-mail me what becomes of my suggestions"),
        default=True,
        db_default=True,
        help_text=_("Approval, rejection, merge, planning status and official answers."),
    )
    # How mails about followed suggestions come: one each at once, or one a day (participation.follows).
    follow_delivery = models.CharField(
        _("mails about suggestions I follow"),
        max_length=9,
        choices=[("immediate", _("at once, one mail each")), ("daily", _("once a day, in one mail"))],
        default="immediate",
        db_default="immediate",
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [models.CheckConstraint(condition=~Q(display_name=""), name="profile_name_not_empty")]

    def __str__(self) -> str:
        return self.display_name


class StaffRole(models.TextChoices):
    MODERATOR = "moderator", _("Moderator")
    PLANNER = "planner", _("Planner")


class ProjectRole(models.Model):
    """A person's role in one project. Site administrators (superusers) hold every role everywhere;
    `participation.rules` is the one place that answers what a role may do."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_roles")
    role = models.CharField(_("role"), max_length=9, choices=StaffRole.choices)

    class Meta:
        verbose_name = _("project role")
        verbose_name_plural = _("project roles")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="project_role_unique"),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="project_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.project})"
