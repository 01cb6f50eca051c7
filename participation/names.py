"""Public names nobody but the project's staff may use.

A name shown with a suggestion or comment is whatever its author typed. Staff answer under their own names
and the site speaks as "Moderation" or "Planung": a participant who calls themselves that could pass for
the town. So for everyone who is not staff, names that read as a staff role, and the public names of staff
accounts, are refused; compared without letter case, accents, spaces and punctuation ("Modération",
"m o d e r a t i o n", "Mona Beispiel-Muller" for "Mona Beispiel-Müller").
"""

import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from .errors import ReservedName
from .models import Profile, ProjectRole

# Anywhere in the name (it reads as the role also inside a word: "Stadtplanung", "Moderatorin"); written
# as `_key` leaves a name.
RESERVED_PARTS = ("moderation", "moderator", "administrat", "planung", "stadtverwaltung", "burgermeister")
# Only as a whole word (inside others they are harmless: "Badminton", "Planeten").
RESERVED_WORDS = frozenset({"admin", "staff", "planer", "planerin", "planner"})


def _folded(text: str) -> str:
    """Lower case without accents: "Müller" → "muller", "Straße" → "strasse", "Modération" → "moderation"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(text: str) -> str:
    """Letters and digits only, German umlauts written out or not alike ("Mueller", "Müller", "Muller")."""
    letters = "".join(c for c in _folded(text) if c.isalnum())
    return letters.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def _words(text: str) -> set[str]:
    return set("".join(c if c.isalnum() else " " for c in _folded(text)).split())


def is_staff(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or ProjectRole.objects.filter(user_id=user.pk).exists())


def staff_names() -> set[str]:
    """The public names of staff accounts (site staff, administrators, moderators and planners) as `_key`
    gives them. A handful of rows, read only when someone who is not staff chooses a name."""
    names = (
        Profile.objects.filter(
            Q(user__is_staff=True) | Q(user__is_superuser=True) | Q(user__project_roles__isnull=False)
        )
        .values_list("display_name", flat=True)
        .distinct()
    )
    return {_key(name) for name in names} - {""}


def check_public_name(
    name: str, *, user: AbstractBaseUser | AnonymousUser | None, field: str = "name"
) -> None:
    """Raise ReservedName if `user` (None: someone without an account) may not appear under `name`."""
    if not name or is_staff(user):
        return
    key = _key(name)
    if any(part in key for part in RESERVED_PARTS) or _words(name) & RESERVED_WORDS or key in staff_names():
        raise ReservedName(field=field)
