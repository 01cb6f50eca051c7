"""A person's API token: the one credential API clients and GIS clients (QGIS, GDAL) send for them."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from ..errors import NotSignedIn
from ..participants import Actor


@transaction.atomic
def token_rotate(*, actor: Actor) -> str:
    """A new API token for the signed-in `actor`, replacing theirs if they had one: every client that sent
    the old one is refused from now on. The key is returned once, to be shown once; one token per account,
    as `token_issue` keeps it."""
    if not (actor.is_authenticated and actor.is_active):
        raise NotSignedIn()
    Token.objects.filter(user_id=actor.pk).delete()
    return Token.objects.create(user_id=actor.pk).key
