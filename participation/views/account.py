"""A signed-in person's own data: download it, choose which mails to get, delete the account.

Deleting keeps what the account contributed (suggestions, comments, supports), anonymised, so that nothing
others built on is lost; see `services.account_delete`. It asks for the password again (allauth's
reauthentication check, with allauth's limit on wrong passwords), so an open session alone cannot do it.
"""

import json

from allauth.account.forms import ReauthenticateForm
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .. import selectors, services
from ..forms import NotificationsForm
from ..models import Profile

# Fixed: nothing from the account (a user name could hold quotes or path characters) goes into the header.
DATA_FILENAME = "my-data.json"


@login_required
@never_cache
def account_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "participation/account/overview.html",
        {"notify": _notify(request), "staff_projects": selectors.project_list_for_staff(user=request.user)},
    )


@login_required
@never_cache
def account_suggestions(request: HttpRequest) -> HttpResponse:
    """ "My suggestions": everything the person submitted, in every state and project."""
    page = selectors.suggestion_list_own_page(user=request.user, number=request.GET.get("page"))
    return render(request, "participation/account/suggestions.html", {"page": page})


@login_required
def account_data(request: HttpRequest) -> HttpResponse:
    """Everything stored about the account and what it contributed, as a JSON file (GDPR Art. 15, 20)."""
    body = json.dumps(
        selectors.account_data_get(user=request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{DATA_FILENAME}"'
    # Personal data: no browser or proxy cache keeps a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def account_notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = NotificationsForm(request.POST)
        if form.is_valid():
            notify = form.cleaned_data["notify"]
            # Only a profile made at sign-up holds the choice; an account without one (e.g. made in the
            # admin) gets no mails about suggestions anyway (notifications.author_address).
            Profile.objects.filter(user_id=request.user.pk).update(notify=notify)
            if form.cleaned_data["follow_delivery"]:
                services.follow_delivery_set(user=request.user, delivery=form.cleaned_data["follow_delivery"])
            if notify:
                messages.success(request, _("You will get mails about what becomes of your suggestions."))
            else:
                messages.success(request, _("You will get no more mails about your suggestions."))
            return redirect("participation:account-notifications")
        refused = next(iter(form.errors.values()))[0]
    else:
        refused = ""
    has_profile = Profile.objects.filter(user_id=request.user.pk).exists()
    delivery = Profile.objects.filter(user_id=request.user.pk).values_list("follow_delivery", flat=True)
    form = NotificationsForm(
        initial={"notify": _notify(request), "follow_delivery": delivery.first() or "immediate"}
    )
    return render(
        request,
        "participation/account/notifications.html",
        {"form": form, "has_profile": has_profile, "error": refused},
        status=400 if refused else 200,
    )


@login_required
@never_cache
def account_delete(request: HttpRequest) -> HttpResponse:
    """GET explains what deleting means and asks for the password; POST deletes, signs out and confirms."""
    user = request.user
    form = ReauthenticateForm(data=request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        return render(request, "participation/account/deleted.html")
    status = 400 if form.is_bound else 200
    return render(request, "participation/account/delete.html", {"form": form}, status=status)


def _notify(request: HttpRequest) -> bool:
    return bool(
        Profile.objects.filter(user_id=request.user.pk).values_list("notify", flat=True).first() or False
    )
