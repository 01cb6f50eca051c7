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


def contact_link(contact: SuggestionContact) -> str:
    token = signing.dumps(contact.pk, salt=CONTACT_LINK_SALT)
    return settings.SITE_URL + reverse("participation:contact-confirm", kwargs={"token": token})


def contact_from_link(token: str) -> SuggestionContact:
    try:
        pk = signing.loads(token, salt=CONTACT_LINK_SALT, max_age=CONTACT_LINK_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise ContactLinkInvalid() from None
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
