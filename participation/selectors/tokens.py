"""Whether a person has an API token, and since when: never the key itself, which is shown once."""

from datetime import datetime

from rest_framework.authtoken.models import Token

from ..participants import Actor


def token_created_get(*, user: Actor) -> datetime | None:
    """When `user`'s API token was made, None without one."""
    if not user.is_authenticated:
        return None
    return Token.objects.filter(user_id=user.pk).values_list("created", flat=True).first()
