"""How an API request with `Authorization: Token …` is authenticated (DEFAULT_AUTHENTICATION_CLASSES).

Below the API and the middleware, which both use it; importing nothing of DRF's views, since DRF imports it
while `rest_framework.views` loads.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the account's public profile in the same query: every write
    shows the author's public name (services.contributions._display_name), one round trip fewer."""

    def authenticate(self, request: object) -> tuple[object, object] | None:
        # A write's token was already read by WriteLimitMiddleware (participation/throttling.py) for its
        # per-account limit: the same request does not ask the database again.
        found = getattr(getattr(request, "_request", request), "token_authenticated", None)
        return found if found is not None else super().authenticate(request)

    def authenticate_credentials(self, key: str) -> tuple[object, object]:
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__profile").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
