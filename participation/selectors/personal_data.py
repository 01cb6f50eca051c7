"""A person's own data, as they may download it (GDPR Art. 15 and 20): everything stored about the account
and everything it contributed, as plain JSON-ready data."""

import json
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse

from ..idempotency import account_keys
from ..models import (
    Comment,
    Follow,
    IdempotencyKey,
    IdempotencyState,
    ModerationEvent,
    Notice,
    Photo,
    PlaceAlert,
    Profile,
    ProjectRole,
    Report,
    Suggestion,
    SuggestionVersion,
    Support,
)


def account_data_get(*, user: AbstractBaseUser) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    return {
        "account": {
            "username": user.get_username(),
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "public_name": profile.display_name if profile else "",
            "notifications": profile.notify if profile else False,
            # When mails about followed suggestions come: "immediate" or "daily" (a digest).
            "follow_mails": profile.follow_delivery if profile else "immediate",
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("id")
            ],
            "roles": [
                {"project": r.project.slug, "role": r.role}
                for r in ProjectRole.objects.filter(user=user).select_related("project").order_by("id")
            ],
        },
        "suggestions": [
            {
                "id": s.pk,
                "project": s.project.slug,
                "category": s.category.key,
                "title": s.title,
                "text": s.text,
                "public_name": s.display_name,
                "geometry": json.loads(s.geom.json),
                "moderation_state": s.moderation_state,
                "planning_status": s.planning_status,
                "official_answer": s.official_answer,
                "supports": s.support_count,
                "comments": s.comment_count,
                "created": s.created_at.isoformat(),
            }
            for s in Suggestion.objects.filter(author=user)
            .select_related("project", "category")
            .order_by("id")
        ],
        "comments": [
            {
                "id": c.pk,
                "suggestion": c.suggestion_id,
                "reply_to": c.parent_id,
                "text": c.text,
                "public_name": c.display_name,
                "moderation_state": c.moderation_state,
                "created": c.created_at.isoformat(),
            }
            for c in Comment.objects.filter(author=user).order_by("id")
        ],
        # The person's photos (as the server re-encoded them: the uploads were never stored), with the
        # address of each file.
        "photos": [
            {
                "suggestion": p.suggestion_id,
                "comment": p.comment_id,
                "description": p.alt_text,
                "moderation_state": p.moderation_state,
                "width": p.width,
                "height": p.height,
                "file": reverse("api:photo-file", kwargs={"key": p.key, "rendition": "full"}),
                "created": p.created_at.isoformat(),
            }
            for p in Photo.objects.filter(author=user).order_by("id")
        ],
        "supports": [
            {"suggestion": s.suggestion_id, "created": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user).order_by("id")
        ],
        # What the person's own suggestions said before they corrected them (kept for the moderators).
        "previous_versions": [
            {
                "suggestion": v.suggestion_id,
                "title": v.title,
                "text": v.text,
                "geometry": json.loads(v.geom.json),
                "replaced": v.replaced_at.isoformat(),
            }
            for v in SuggestionVersion.objects.filter(suggestion__author=user).order_by("id")
        ],
        # A moderator's or planner's own decisions are their data too (the reason they wrote, when).
        "decisions": [
            {
                "suggestion": e.suggestion_id,
                "comment": e.comment_id,
                # A decision about one of the item's photos (approved, removed, blurred), not the item.
                "photo": e.photo_id is not None,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "reason": e.reason,
                "created": e.created_at.isoformat(),
            }
            for e in ModerationEvent.objects.filter(actor_id=user.pk).order_by("id")
        ],
        "reports": [
            {
                "suggestion": r.suggestion_id,
                "comment": r.comment_id,
                "reason": r.reason,
                "text": r.text,
                "created": r.created_at.isoformat(),
                "resolved": r.resolved_at.isoformat() if r.resolved_at else None,
            }
            for r in Report.objects.filter(reporter=user).order_by("id")
        ],
        "follows": [
            {
                "suggestion": f.suggestion_id,
                "comments": f.comments,
                "language": f.language,
                "created": f.created_at.isoformat(),
            }
            for f in Follow.objects.filter(user=user).order_by("id")
        ],
        "place_alerts": [
            {
                "project": a.project.slug,
                "name": a.name,
                # A district alert: its name and number, not the copied polygon (large, and not the person's).
                **(
                    {
                        "district": a.district_name,
                        "district_number": a.district_number,
                        # Since when the district is no longer in the map (the alert keeps its last boundary).
                        "district_missing_since": a.district_missing_since
                        and a.district_missing_since.isoformat(),
                    }
                    if a.is_district
                    else {"centre": json.loads(a.centre.json), "radius_metres": a.radius}
                ),
                "mails": a.delivery,
                "language": a.language,
                "created": a.created_at.isoformat(),
            }
            for a in PlaceAlert.objects.filter(user=user)
            .defer("area")
            .select_related("project")
            .order_by("id")
        ],
        # What the account was or will be told about (kept until the mail went out, then as a record).
        "notices": [
            {
                "kind": n.kind,
                "suggestion": n.suggestion_id,
                "comment": n.comment_id,
                "daily": n.daily,
                "created": n.created_at.isoformat(),
                "sent": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in Notice.objects.filter(user=user).order_by("id")
        ],
        "survey_responses": _survey_responses(user),
        # Kept for Idempotency-Key retries until they expire (IDEMPOTENCY_KEY_TTL_HOURS).
        "idempotency_answers": [
            {
                "key": k.key,
                "status": k.status_code,
                "location": k.location,
                "answer": _stored_answer(k),
                "created": k.created_at.isoformat(),
                "expires": k.expires_at.isoformat(),
            }
            for k in account_keys(user.pk).filter(state=IdempotencyState.DONE).order_by("id")
        ],
    }


def _stored_answer(key: IdempotencyKey) -> Any:
    body = bytes(key.body)
    if key.content_type.startswith(("application/json", "application/geo+json")):
        try:
            return json.loads(body)
        except ValueError:
            pass
    return body.decode("utf-8", "replace")


def _survey_responses(user: AbstractBaseUser) -> list[dict[str, Any]]:
    """The account's answers to surveys, each with the question as it was asked (in the survey's default
    language) and the chosen option's key and label. Read by name: surveys builds on participation."""
    responses = apps.get_model("surveys", "Response").objects.filter(user=user)
    answers = (
        apps.get_model("surveys", "Answer")
        .objects.filter(response__in=responses)
        .select_related("question", "choice")
        .order_by("response_id", "question__position", "question_id", "choice__position", "id")
    )
    by_response: dict[int, list[dict[str, Any]]] = {}
    for a in answers:
        by_response.setdefault(a.response_id, []).append(
            {
                "question": a.question.text,
                "kind": a.kind,
                "choice": {"key": a.choice.key, "label": a.choice.label} if a.choice else None,
                "text": a.text,
                "number": a.number,
                "yes": a.boolean,
                "geometry": json.loads(a.geom.json) if a.geom else None,
            }
        )
    return [
        {
            "project": r.survey.project.slug,
            "survey": r.survey.slug,
            "title": r.survey.title,
            "submitted": r.created_at.isoformat(),
            "answers": by_response.get(r.pk, []),
        }
        for r in responses.select_related("survey__project").order_by("id")
    ]
