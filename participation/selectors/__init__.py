"""Reads for participation pages and the API, split by who reads: the public, moderators, planners, and a
person reading their own data. Callers import them from here."""

from .authors import OwnSuggestion, suggestion_list_own, suggestion_list_own_page
from .duplicates import suggestion_duplicates
from .follows import alert_get_own, alert_list_own, follow_get, follow_list_own
from .moderation import (
    actor_name_get,
    event_label,
    moderation_event_list,
    photo_list_for_moderators,
    project_list_for_staff,
    queue_item_counts,
    queue_item_list,
)
from .personal_data import account_data_get
from .photos import (
    comment_photos_published,
    comment_photos_visible,
    photo_alt_texts,
    photo_get_visible,
    photo_list_shown,
    photo_list_visible,
    photo_room,
)
from .places import project_has_places, suggestion_place_labels
from .projects import ProjectOverview, project_overview_get
from .public import (
    LIST_ORDERS,
    ListPage,
    category_get,
    category_ids_for_keys,
    category_list,
    category_list_keys,
    comment_list,
    project_get,
    project_list,
    suggestion_get_visible,
    suggestion_list,
    suggestion_list_page,
    suggestion_supported_by,
    support_list,
)
from .tokens import token_created_get
from .versions import Correction, correction_list_recent, suggestion_version_list

__all__ = [
    "LIST_ORDERS",
    "Correction",
    "ListPage",
    "OwnSuggestion",
    "ProjectOverview",
    "account_data_get",
    "actor_name_get",
    "alert_get_own",
    "alert_list_own",
    "category_get",
    "category_ids_for_keys",
    "category_list",
    "category_list_keys",
    "comment_list",
    "comment_photos_published",
    "comment_photos_visible",
    "correction_list_recent",
    "event_label",
    "follow_get",
    "follow_list_own",
    "moderation_event_list",
    "photo_alt_texts",
    "photo_get_visible",
    "photo_list_for_moderators",
    "photo_list_shown",
    "photo_list_visible",
    "photo_room",
    "project_get",
    "project_has_places",
    "project_list",
    "project_list_for_staff",
    "project_overview_get",
    "queue_item_counts",
    "queue_item_list",
    "suggestion_duplicates",
    "suggestion_get_visible",
    "suggestion_list",
    "suggestion_list_own",
    "suggestion_list_own_page",
    "suggestion_list_page",
    "suggestion_place_labels",
    "suggestion_supported_by",
    "suggestion_version_list",
    "support_list",
    "token_created_get",
]
