"""Projects, their categories and the suggestions citizens pin on the map, and what people and moderators do
with them: one module per topic, every name importable from `participation.models` as before.

- `projects`: projects and their categories;
- `suggestions`: suggestions, their states and stored export pieces, an anonymous author's contact address;
- `discussion`: comments and supports;
- `moderation`: reports, the audit trail of decisions, the versions authors' corrections replaced;
- `photos`: photos attached to suggestions and comments (the re-encoded files' keys, alternative texts);
- `follows`: following suggestions, alerts for a place, the notices waiting to be mailed;
- `accounts`: participants' public profiles and staff roles in projects;
- `idempotency`: claimed `Idempotency-Key`s and the answers they repeat.

Rules that the database can hold are constraints here, not checks in Python: states are closed sets,
counters never go negative, a category key is unique per project, a stored geometry is valid and 2D.
"""

from .accounts import Profile, ProjectRole, StaffRole
from .discussion import BROWSER_KEY_LENGTH, COMMENT_STATES, Comment, Support
from .follows import (
    ALERT_RADIUS_MAX,
    ALERT_RADIUS_MIN,
    ALERTS_PER_PERSON,
    Delivery,
    Follow,
    FollowQuestion,
    Notice,
    NoticeKind,
    PlaceAlert,
)
from .idempotency import IdempotencyKey, IdempotencyState
from .moderation import ModerationAction, ModerationEvent, Report, ReportReason, SuggestionVersion
from .photos import ALT_TEXT_MAX, PHOTOS_PER_COMMENT, PHOTOS_PER_SUGGESTION, Photo
from .projects import Category, GeometryKind, ModerationMode, Project
from .suggestions import (
    EXPORT_PIECES,
    EXPORT_PIECES_TIME_ZONE,
    EXPORTED_ROW_FIELDS,
    GEOMETRY_TYPES,
    GEOMETRY_TYPES_STORED,
    LineDrawing,
    ModerationState,
    PlanningStatus,
    Suggestion,
    SuggestionContact,
    SuggestionManager,
)

__all__ = [
    "ALERTS_PER_PERSON",
    "ALERT_RADIUS_MAX",
    "ALERT_RADIUS_MIN",
    "ALT_TEXT_MAX",
    "BROWSER_KEY_LENGTH",
    "COMMENT_STATES",
    "EXPORTED_ROW_FIELDS",
    "EXPORT_PIECES",
    "EXPORT_PIECES_TIME_ZONE",
    "GEOMETRY_TYPES",
    "GEOMETRY_TYPES_STORED",
    "PHOTOS_PER_COMMENT",
    "PHOTOS_PER_SUGGESTION",
    "Category",
    "Comment",
    "Delivery",
    "Follow",
    "FollowQuestion",
    "GeometryKind",
    "IdempotencyKey",
    "IdempotencyState",
    "LineDrawing",
    "ModerationAction",
    "ModerationEvent",
    "ModerationMode",
    "ModerationState",
    "Notice",
    "NoticeKind",
    "Photo",
    "PlaceAlert",
    "PlanningStatus",
    "Profile",
    "Project",
    "ProjectRole",
    "Report",
    "ReportReason",
    "StaffRole",
    "Suggestion",
    "SuggestionContact",
    "SuggestionManager",
    "SuggestionVersion",
    "Support",
]
