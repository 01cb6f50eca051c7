"""The Permissions-Policy header: which powerful browser features a page (and any frame in it) may use.

None of our pages needs a camera, a microphone, payments or USB; location is allowed to the site itself
only (a "where am I" on the map asks for it from our own origin), never to a framed third party. Set on
every response, files and JSON included, as the other security headers are.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"geolocation": ["self"], "camera": []}` → `geolocation=(self), camera=()`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
