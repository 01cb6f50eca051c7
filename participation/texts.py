"""The rule for every text a person types: trimmed, bounded, no control characters; HTML stays text."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from .errors import InvalidText

# Direction overrides and isolates can make a title or name display as something else than it is.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(
    value: Any, *, field: str, max_length: int, required: bool = False, single_line: bool = False
) -> str:
    """Text as typed, trimmed; refuses what no person types (NUL and other control characters).

    HTML is not removed: it is stored as the text the person wrote and always rendered escaped.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidText(_("This field must be text."), field=field)
    value = value.strip()
    allowed = "" if single_line else "\n\r\t"
    if any((unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in BIDI_CONTROLS for ch in value):
        raise InvalidText(_("The text contains control characters that are not allowed."), field=field)
    # Only format characters (zero-width space, joiner, BOM …) and spaces: nothing anyone can see.
    if required and all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in value):
        raise InvalidText(_("This field is required."), field=field)
    if len(value) > max_length:
        raise InvalidText(
            _("This text is too long: at most %(max)d characters, you wrote %(length)d.")
            % {"max": max_length, "length": len(value)},
            field=field,
        )
    return value


# An e-mail field holds at most this (Django's EmailField, the RFC's practical bound).
EMAIL_MAX = 254


def clean_email(value: Any, *, required: bool = False) -> str:
    """An e-mail address someone without an account leaves, trimmed; "" when optional and left empty."""
    if not required and (value is None or value == ""):
        return ""
    message = (
        _("Please enter a valid e-mail address.")
        if required
        else _("Please enter a valid e-mail address, or leave the field empty.")
    )
    if not isinstance(value, str):
        raise InvalidText(message, field="email")
    value = value.strip()
    if len(value) > EMAIL_MAX:
        raise InvalidText(message, field="email")
    try:
        EmailValidator()(value)
    except ValidationError:
        raise InvalidText(message, field="email") from None
    return value
