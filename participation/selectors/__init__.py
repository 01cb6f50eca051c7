"""Reads for participation pages and the API, split by who reads: the public, moderators, planners, and a
person reading their own data. Callers import them from here."""

from .authors import OwnSuggestion, own_suggestion_page, own_suggestions
from .duplicates import suggestion_duplicates
from .moderation import (
    actor_name,
    author_history,
    item_history,
    moderation_queue,
    queue_counts,
    staff_projects,
)
from .personal_data import account_data
from .projects import ProjectOverview, project_overview
from .public import (
    LIST_ORDERS,
    ListPage,
    category_get,
    category_ids_for_keys,
    category_list,
    category_list_keys,
    comment_thread,
    project_get,
    project_list,
    suggestion_get_visible,
    suggestion_list,
    suggestion_list_page,
    suggestion_supported_by,
    supports_of,
)
from .versions import Correction, recent_corrections, suggestion_versions

__all__ = [
    "LIST_ORDERS",
    "Correction",
    "ListPage",
    "OwnSuggestion",
    "ProjectOverview",
    "account_data",
    "actor_name",
    "author_history",
    "category_get",
    "category_ids_for_keys",
    "category_list",
    "category_list_keys",
    "comment_thread",
    "item_history",
    "moderation_queue",
    "own_suggestion_page",
    "own_suggestions",
    "project_get",
    "project_list",
    "project_overview",
    "queue_counts",
    "recent_corrections",
    "staff_projects",
    "suggestion_duplicates",
    "suggestion_get_visible",
    "suggestion_list",
    "suggestion_list_page",
    "suggestion_supported_by",
    "suggestion_versions",
    "supports_of",
]
