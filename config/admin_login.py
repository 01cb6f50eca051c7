"""The admin's sign-in, limited as the site's: allauth's `login_failed` budgets (per address, per account).

Django's admin login takes any number of wrong passwords. Its form here authenticates through allauth's
adapter, which counts failures in the shared cache under the same keys as the site's sign-in form, so the
two doors share one budget per account and one per address.
"""

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

LOCKED = _("Too many failed sign-in attempts. Please wait a few minutes and try again.")


class AdminLoginForm(AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, "too_many_attempts": LOCKED}

    def clean(self) -> dict:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = get_adapter(self.request).authenticate(
                    self.request, username=username, password=password
                )
            except forms.ValidationError:
                # allauth's refusal once a budget is spent; the same words for any name, known or not.
                raise forms.ValidationError(
                    self.error_messages["too_many_attempts"], code="too_many_attempts"
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data
