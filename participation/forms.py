"""Page forms. They check shape only; the rules live in services."""

import json

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError

from .models import Comment, Profile, Report, ReportReason, Suggestion
from .names import check_public_name
from .texts import clean_text


class SignupForm(forms.Form):
    """allauth's sign-up form gains the public name (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Public name"),
        max_length=Profile._meta.get_field("display_name").max_length,
        help_text=_("Shown with your suggestions and comments. Your e-mail address is never shown."),
    )

    def clean_display_name(self) -> str:
        # The same rules as every public text: one line, no control characters.
        try:
            name = clean_text(
                self.cleaned_data["display_name"],
                field="display_name",
                max_length=Profile._meta.get_field("display_name").max_length,
                required=True,
                single_line=True,
            )
            # A new account is nobody's staff yet: staff names and role words are taken.
            check_public_name(name, user=None, field="display_name")
            return name
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def signup(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        Profile.objects.update_or_create(
            user=user, defaults={"display_name": self.cleaned_data["display_name"]}
        )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=Comment._meta.get_field("text").max_length,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Anonymous participants may give a public name; the service checks it like every public text.
    name = forms.CharField(
        required=False, strip=False, max_length=Comment._meta.get_field("display_name").max_length
    )


class ReportForm(forms.Form):
    comment = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReportReason.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=Report._meta.get_field("text").max_length,
    )


class SuggestionEditForm(forms.Form):
    """The author's correction: title, text and, while nobody supports it, the place (the service checks
    them all like a new suggestion's). An empty `geometry` leaves the place as it is."""

    title = forms.CharField(label=_("Title"), max_length=Suggestion._meta.get_field("title").max_length)
    text = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=Suggestion._meta.get_field("text").max_length,
    )
    # GeoJSON text written by the page's map (edit.js); a hidden field, so its errors are said at the map.
    geometry = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200_000)
    # How the new line was drawn ("routed" along the streets, "free"), written with it by edit.js; the service
    # checks it. Empty: not said (a line that moves is then recorded as drawn freely).
    line_drawing = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def clean_geometry(self) -> object | None:
        value = self.cleaned_data["geometry"].strip()
        if not value:
            return None
        try:
            return json.loads(value)
        except ValueError:
            raise forms.ValidationError(_("The geometry is not valid GeoJSON.")) from None


class NotificationsForm(forms.Form):
    notify = forms.BooleanField(label=_("E-mail me what becomes of my suggestions"), required=False)
    follow_delivery = forms.ChoiceField(
        label=_("Mails about suggestions I follow"),
        choices=[("immediate", _("at once, one mail each")), ("daily", _("once a day, in one mail"))],
        widget=forms.RadioSelect,
        initial="immediate",
        required=False,  # a form without it (an older page) leaves the choice as it is
    )
