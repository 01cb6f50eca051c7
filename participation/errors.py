"""Typed domain errors. `config/api_errors.py` maps them to HTTP once; messages are constants tests assert."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError

__all__ = ["DomainError"]  # re-exported: callers catch participation errors by their base


class ProjectNotFound(DomainError):
    status_code = 404
    code = "project_not_found"
    default_message = _("There is no project with this name.")


class UnknownCategory(DomainError):
    code = "unknown_category"
    field = "category"


class SuggestionNotFound(DomainError):
    status_code = 404
    code = "suggestion_not_found"
    default_message = _("There is no suggestion with this number.")


class SuggestionGone(DomainError):
    """Hidden by the moderators: the address existed, so 410 with a reason instead of a bare 404. Only a
    hidden suggestion broke the rules; the other ways of going (below) say what happened instead."""

    status_code = 410
    code = "suggestion_removed"
    default_message = _(
        "This suggestion was removed by the moderators because it broke the participation rules."
    )


class SuggestionRejected(SuggestionGone):
    """Not approved in review: not a verdict of rule-breaking (it may be off-topic or out of scope). Its
    author still reads it, with the moderators' reason; everyone else gets this neutral 410."""

    code = "suggestion_rejected"
    default_message = _("This suggestion was not approved by the moderators.")


class SuggestionWithdrawn(SuggestionGone):
    code = "suggestion_withdrawn"
    default_message = _("This suggestion was withdrawn by its author.")


class SuggestionMerged(SuggestionGone):
    """Merged into another suggestion: pages redirect there; the API names it (`merged_into`)."""

    code = "suggestion_merged"

    def __init__(self, *, merged_into: int) -> None:
        super().__init__(
            _("This suggestion was merged into suggestion %(id)s, where the discussion continues.")
            % {"id": merged_into}
        )
        self.merged_into = merged_into


class NotSignedIn(DomainError):
    status_code = 401
    code = "not_authenticated"
    default_message = _("Please sign in to take part.")


class PhaseClosed(DomainError):
    status_code = 403
    code = "phase_closed"
    default_message = _("Participation in this project is closed: the map can be viewed but not changed.")


class InactiveCategory(DomainError):
    code = "inactive_category"
    field = "category"
    default_message = _("This category no longer takes new suggestions.")


class LineDrawingInvalid(DomainError):
    """`line_drawing` says how a path was drawn: only lines have one, and only "routed" or "free"."""

    code = "invalid_line_drawing"
    field = "line_drawing"
    default_message = _(
        "“line_drawing” is “routed” (along the streets) or “free” (drawn freely), for paths only."
    )


class InvalidText(DomainError):
    """A text field breaks a rule; `field` names it so the page shows the message at that field."""

    code = "invalid_text"

    def __init__(self, message: str | Promise, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class NotPublished(DomainError):
    status_code = 409
    code = "not_published"
    default_message = _("This suggestion is waiting for review and cannot be supported or discussed yet.")


class AlreadySupported(DomainError):
    status_code = 409
    code = "already_supported"
    default_message = _("You already support this suggestion.")


class OwnSuggestion(DomainError):
    status_code = 409
    code = "own_suggestion"
    default_message = _("You cannot support your own suggestion.")


class AlreadyReported(DomainError):
    status_code = 409
    code = "already_reported"
    default_message = _("You have already reported this. The moderators will look at it.")


class ReplyDepth(DomainError):
    code = "reply_depth"
    default_message = _("You can only reply to a comment, not to a reply.")


class CommentNotFound(DomainError):
    status_code = 404
    code = "comment_not_found"
    default_message = _("There is no such comment on this suggestion.")


class TooManyRequests(DomainError):
    status_code = 429
    code = "throttled"
    default_message = _("You have done this too often in a short time. Please wait a while and try again.")

    def __init__(self, message: str | Promise | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadCredentials(DomainError):
    code = "bad_credentials"
    default_message = _("The user name, e-mail address or password is wrong.")


class EmailNotVerified(DomainError):
    status_code = 403
    code = "email_not_verified"
    default_message = _("Please confirm your e-mail address first: follow the link in the mail we sent you.")


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    field = "cursor"
    default_message = _("This page link is not valid. Please start from the first page.")


class SpamSuspected(DomainError):
    """The honeypot field, invisible to people, was filled in: a bot fills every field it finds."""

    code = "spam_suspected"
    default_message = _("Your entry looks like automated spam and was not accepted.")


class ProofMissing(DomainError):
    code = "proof_missing"
    field = "altcha"
    default_message = _("Please confirm that you are not a robot (the check above the send button).")


class ProofInvalid(DomainError):
    code = "proof_invalid"
    field = "altcha"
    default_message = _("The anti-spam check failed. Please confirm again that you are not a robot.")


class ProofExpired(DomainError):
    code = "proof_expired"
    field = "altcha"
    default_message = _("The anti-spam check has expired. Please confirm again that you are not a robot.")


class ProofReplayed(DomainError):
    code = "proof_replayed"
    field = "altcha"
    default_message = _(
        "This anti-spam check was already used. Please confirm again that you are not a robot."
    )


class ContactLinkInvalid(DomainError):
    status_code = 404
    code = "contact_link_invalid"
    default_message = _("This confirmation link is not valid or has expired.")


class ContactMailLimit(TooManyRequests):
    field = "email"
    default_message = _(
        "Too many confirmation mails went to this address today. Leave the e-mail field empty, or try again "
        "tomorrow."
    )


class AlertMailLimit(TooManyRequests):
    """An alert cannot go without its address, so unlike an author's, there is no "leave it empty"."""

    field = "email"
    default_message = _("Too many confirmation mails went to this address today. Please try again tomorrow.")


class NotAllowed(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = _("You are not allowed to do this in this project.")


class AlreadyDecided(DomainError):
    """Another moderator decided first: the item is no longer in the state this decision was made on."""

    status_code = 409
    code = "already_decided"
    default_message = _("Someone else has already decided on this in the meantime.")


class DecisionNotPossible(DomainError):
    """The decision does not apply to the item's current state (e.g. approving a published suggestion)."""

    status_code = 409
    code = "decision_not_possible"
    default_message = _("This decision is not possible for this item in its current state.")


class DecisionsNotSaved(DomainError):
    """A database error during a bulk decision: its transaction rolled back, no item of it was changed."""

    status_code = 500
    code = "decisions_not_saved"
    default_message = _("Nothing was changed: the decisions could not be saved. Please try again.")


class ReasonRequired(DomainError):
    code = "reason_required"
    field = "reason"
    default_message = _("Please give a reason: the author will read it.")


class MergeInvalid(DomainError):
    code = "merge_invalid"
    field = "target"
    default_message = _(
        "A suggestion can only be merged into another published suggestion of the same project."
    )


class NotEditable(DomainError):
    status_code = 409
    code = "not_editable"
    default_message = _(
        "Only a suggestion that is waiting for review or published can be corrected, and only by its author."
    )


class PlaceLocked(DomainError):
    """The place of a suggestion people support stays: their support was given to that place."""

    status_code = 409
    code = "place_locked"
    field = "geometry"
    default_message = _(
        "The place can no longer be moved: people already support this suggestion where it is. You can "
        "still correct the title and the description."
    )


class IdempotencyKeyInvalid(DomainError):
    code = "idempotency_key_invalid"
    default_message = _("The Idempotency-Key header must be 1 to 255 printable ASCII characters.")


class IdempotencyKeyReused(DomainError):
    """The key already stands for another request (another body, path or method)."""

    status_code = 422
    code = "idempotency_key_reused"
    default_message = _(
        "This Idempotency-Key was already used for a different request. Send a new key with a new request."
    )


class IdempotencyKeyInProgress(DomainError):
    """The first request with this key has not answered yet: its answer is what the client wants."""

    status_code = 409
    code = "idempotency_key_in_progress"
    default_message = _(
        "A request with this Idempotency-Key is still being processed. Please wait a moment and send it "
        "again."
    )
    retry_after = 1


class ReservedName(DomainError):
    """A public name that would pass for the project's staff, chosen by someone who is not staff."""

    code = "reserved_name"
    default_message = _(
        "This name is reserved for the project's staff, so that nobody can speak in their name. "
        "Please choose another one."
    )

    def __init__(self, message: str | Promise | None = None, *, field: str = "name") -> None:
        super().__init__(message)
        self.field = field


# ------------------------------------------------------------------------------------------------ photos
# Every refusal names the field `photo` (or `alt`), so a form shows it at the file input.


class PhotoNotAnImage(DomainError):
    code = "photo_not_an_image"
    field = "photo"
    default_message = _(
        "This file is not a photo we can accept. Please send a JPEG, PNG, WebP or HEIC image "
        "(SVG, GIF, TIFF and other files are not accepted)."
    )


class PhotoTooLarge(DomainError):
    status_code = 413
    code = "photo_too_large"
    field = "photo"


class PhotoTooManyPixels(DomainError):
    code = "photo_too_many_pixels"
    field = "photo"


class PhotoTruncated(DomainError):
    code = "photo_truncated"
    field = "photo"
    default_message = _("This image is incomplete: the file was cut off. Please send it again.")


class PhotoAnimated(DomainError):
    code = "photo_animated"
    field = "photo"
    default_message = _("Animated images cannot be attached. Please send a still photo.")


class PhotoLimit(DomainError):
    code = "too_many_photos"
    field = "photo"


class PhotoMissing(DomainError):
    code = "photo_missing"
    field = "photo"
    default_message = _("Please choose a photo to send.")


class PhotoNotFound(DomainError):
    status_code = 404
    code = "photo_not_found"
    default_message = _("There is no photo at this address.")


class PhotoNotYours(DomainError):
    status_code = 403
    code = "permission_denied"
    field = "photo"
    default_message = _("Only the author can add photos, while the contribution can still be changed.")


class PhotoGone(DomainError):
    """A moderator's decision about a photo that is no longer there under the key they saw: removed, or
    blurred (which gives it a new key) by someone else meanwhile, or deleted with its contribution."""

    status_code = 409
    code = "photo_gone"
    default_message = _(
        "This photo is no longer there as you saw it: someone removed or blurred it in the meantime."
    )


class PhotoRegionsInvalid(DomainError):
    code = "blur_regions_invalid"
    field = "regions"
    default_message = _("Please mark at least one region of the photo to blur.")


def about_photo(error: DomainError, index: int) -> DomainError:
    """Mark `error` as concerning the photo at `index` (from 0) of a request with several: the API answer
    says which (`photo_index`), so a form shows the message next to that photo."""
    error.photo_index = index  # type: ignore[attr-defined]
    return error


class FeedParameterInvalid(DomainError):
    """A feed's address names a place that cannot be: not numbers, out of range, outside the project."""

    code = "invalid_feed_parameter"
    default_message = _("This feed address is not valid.")

    def __init__(self, message: str | Promise | None = None, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class AlertRadiusInvalid(DomainError):
    code = "alert_radius_invalid"
    field = "radius"

    def __init__(self) -> None:
        from .models import ALERT_RADIUS_MAX, ALERT_RADIUS_MIN

        super().__init__(
            _("Please choose a radius between %(min)s and %(max)s metres.")
            % {"min": ALERT_RADIUS_MIN, "max": ALERT_RADIUS_MAX}
        )


class AlertPlaceInvalid(DomainError):
    code = "alert_place_invalid"
    field = "place"
    default_message = _("Please pick a place inside the project's area on the map.")


class AlertDistrictInvalid(DomainError):
    code = "alert_district_invalid"
    field = "district"
    default_message = _("Please choose one of the districts in the list.")


class AlertLimit(DomainError):
    status_code = 409
    code = "alert_limit"

    def __init__(self, *, address: bool = False) -> None:
        from .models import ALERTS_PER_PERSON

        if address:
            message = _(
                "This e-mail address has %(count)s alerts already, as many as one person may have. Each "
                "alert's mails have a link to delete it; then you can add another."
            )
        else:
            message = _(
                "You have %(count)s alerts already, as many as one person may have. Delete one to add "
                "another."
            )
        super().__init__(message % {"count": ALERTS_PER_PERSON})


class AlertLinkInvalid(DomainError):
    status_code = 404
    code = "alert_link_invalid"
    default_message = _(
        "This confirmation link is not valid or has expired, or the alert was deleted. You can make the "
        "alert again."
    )


class AlertNotFound(DomainError):
    status_code = 404
    code = "alert_not_found"
    default_message = _("There is no such alert in your account.")
