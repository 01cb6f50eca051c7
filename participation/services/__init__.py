"""Every change of participation data: one keyword-only function per use case, each in one transaction.

Split by topic: what citizens contribute, what authors do with their own, moderators' decisions (and their
merges, moves, and reports that hide an item by themselves), planners' answers, personal-data rights.
Callers import them from here.
"""

from .authors import suggestion_edit, suggestion_withdraw
from .contributions import (
    comment_create,
    contact_confirm,
    report_create,
    suggestion_create,
    support_add,
    support_withdraw,
    token_issue,
)
from .follows import (
    DistrictsFollowed,
    alert_confirm,
    alert_create,
    alert_delete,
    alert_district_create,
    alert_districts_follow,
    alert_update,
    alerts_adopt,
    follow_add,
    follow_delivery_set,
    follow_question_ask,
    follow_remove,
    notifications_stop,
)
from .merging import suggestion_merge
from .moderation import Decision, Outcome, item_decide, items_decide
from .moving import suggestion_move
from .personal_data import Purged, account_delete, notifications_unsubscribe, personal_data_purge
from .photo_moderation import PhotoDecision, photo_blur, photo_decide
from .photos import (
    PhotoUpload,
    comment_photo_add,
    photo_add,
    photo_file_name,
    photo_files_purge,
    photo_storage,
)
from .planning import suggestion_answer
from .tokens import token_rotate

__all__ = [
    "Decision",
    "DistrictsFollowed",
    "Outcome",
    "PhotoDecision",
    "PhotoUpload",
    "Purged",
    "account_delete",
    "alert_confirm",
    "alert_create",
    "alert_delete",
    "alert_district_create",
    "alert_districts_follow",
    "alert_update",
    "alerts_adopt",
    "comment_create",
    "comment_photo_add",
    "contact_confirm",
    "follow_add",
    "follow_delivery_set",
    "follow_question_ask",
    "follow_remove",
    "item_decide",
    "items_decide",
    "notifications_stop",
    "notifications_unsubscribe",
    "personal_data_purge",
    "photo_add",
    "photo_blur",
    "photo_decide",
    "photo_file_name",
    "photo_files_purge",
    "photo_storage",
    "report_create",
    "suggestion_answer",
    "suggestion_create",
    "suggestion_edit",
    "suggestion_merge",
    "suggestion_move",
    "suggestion_withdraw",
    "support_add",
    "support_withdraw",
    "token_issue",
    "token_rotate",
]
