"""The e-mail address an anonymous author leaves: the confirmation mail and its signed link.

The link carries the contact's id, signed and dated: nothing to store, nothing to guess, and it expires.
Mails are written in the language the author used on the site.
"""

import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .errors import ContactLinkInvalid
from .models import SuggestionContact

logger = logging.getLogger(__name__)

CONTACT_LINK_SALT = "participation.contact"
CONTACT_LINK_AGE = 14 * 24 * 3600


def confirmation_link(view: str, pk: int, *, salt: str) -> str:
    """The full address of `view` with `pk` signed under `salt` (one salt per kind of link)."""
    return settings.SITE_URL + reverse(view, kwargs={"token": signing.dumps(pk, salt=salt)})


def confirmation_pk(token: str, *, salt: str, max_age: int) -> int | None:
    """The id a confirmation link carries; None when forged, altered or older than `max_age` seconds."""
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return None


def contact_link(contact: SuggestionContact) -> str:
    return confirmation_link("participation:contact-confirm", contact.pk, salt=CONTACT_LINK_SALT)


def contact_from_link(token: str) -> SuggestionContact:
    pk = confirmation_pk(token, salt=CONTACT_LINK_SALT, max_age=CONTACT_LINK_AGE)
    if pk is None:
        raise ContactLinkInvalid()
    contact = SuggestionContact.objects.select_related("suggestion__project").filter(pk=pk).first()
    if contact is None:
        raise ContactLinkInvalid()
    return contact


def send_contact_confirmation(contact: SuggestionContact) -> None:
    """Runs after the suggestion is stored: a mail server that fails must not turn that into an error page
    (the citizen would send the suggestion again). The author can still be told later, once confirmed.

    The mail carries no text the sender wrote (the title stays out), so it cannot carry someone's spam.
    """
    project = contact.suggestion.project
    with translation.override(contact.language):
        context = {"project": project, "link": contact_link(contact)}
        subject = render_to_string("participation/email/contact_confirm_subject.txt", context)
        body = render_to_string("participation/email/contact_confirm_message.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [contact.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("The confirmation mail for suggestion %s could not be sent.", contact.suggestion_id)
