from django.urls import path

from .views import (
    account,
    authors,
    embed,
    feeds,
    follows,
    moderation,
    planning,
    previews,
    public,
    results,
    versions,
)

app_name = "participation"

urlpatterns = [
    path("", public.home, name="home"),
    path("projects/<slug:slug>/", public.project_map, name="project-map"),
    # The map for a frame on the town's own website (views/embed.py): framed only by the project's origins.
    path("embed/<slug:slug>/", embed.project_embed, name="project-embed"),
    path("projects/<slug:slug>/suggestions/<int:pk>/", public.suggestion_detail, name="suggestion-detail"),
    # What came of the project, for citizens (views/results.py): figures, decisions, a map drawn as SVG. The
    # status is any text, so that a wrong one is answered with the statuses there are.
    path("projects/<slug:slug>/results/", results.project_results, name="project-results"),
    path(
        "projects/<slug:slug>/results/<str:status>/",
        results.project_results_decided,
        name="project-results-decided",
    ),
    # Atom feeds of what is published (views/feeds.py); the category key is any text, so that a wrong one
    # is answered with the project's keys instead of a bare 404.
    path("projects/<slug:slug>/feed/", feeds.ProjectFeed(), name="project-feed"),
    path("projects/<slug:slug>/feed/categories/<str:key>/", feeds.CategoryFeed(), name="category-feed"),
    path("projects/<slug:slug>/feed/place/", feeds.PlaceFeed(), name="place-feed"),
    path("projects/<slug:slug>/suggestions/<int:pk>/feed/", feeds.SuggestionFeed(), name="suggestion-feed"),
    # Link preview pictures (Open Graph), drawn by the server (views/previews.py).
    path("projects/<slug:slug>/preview.png", previews.project_preview, name="project-preview"),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/preview.png",
        previews.suggestion_preview,
        name="suggestion-preview",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/support/",
        public.suggestion_support,
        name="suggestion-support",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/comments/",
        public.suggestion_comment,
        name="suggestion-comment",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/edit/",
        authors.suggestion_edit,
        name="suggestion-edit",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/withdraw/",
        authors.suggestion_withdraw,
        name="suggestion-withdraw",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/follow/",
        follows.suggestion_follow,
        name="suggestion-follow",
    ),
    path("projects/<slug:slug>/alerts/new/", follows.alert_new, name="alert-new"),
    path("account/follows/", follows.account_follows, name="account-follows"),
    path("account/alerts/<int:pk>/", follows.alert_edit, name="alert-edit"),
    path("account/alerts/<int:pk>/delete/", follows.alert_delete, name="alert-delete"),
    path("account/", account.account_overview, name="account"),
    path("account/suggestions/", account.account_suggestions, name="account-suggestions"),
    path("account/data/", account.account_data, name="account-data"),
    path("account/notifications/", account.account_notifications, name="account-notifications"),
    path("account/delete/", account.account_delete, name="account-delete"),
    path("contact/<str:token>/", public.contact_confirm, name="contact-confirm"),
    path("alerts/confirm/<str:token>/", follows.alert_confirm, name="alert-confirm"),
    path("unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/reports/",
        public.suggestion_report,
        name="suggestion-report",
    ),
    path("projects/<slug:slug>/dashboard/", planning.planner_dashboard, name="planning-dashboard"),
    path(
        "projects/<slug:slug>/planning/suggestions/<int:pk>/",
        planning.planner_answer,
        name="planning-answer",
    ),
    path("projects/<slug:slug>/moderation/", moderation.moderation_queue, name="moderation-queue"),
    path(
        "projects/<slug:slug>/moderation/decide/",
        moderation.moderation_decide,
        name="moderation-decide",
    ),
    path(
        "projects/<slug:slug>/moderation/suggestions/<int:pk>/versions/",
        versions.suggestion_versions_page,
        name="moderation-versions",
    ),
    path("projects/<slug:slug>/moderation/bulk/", moderation.moderation_bulk, name="moderation-bulk"),
    path("projects/<slug:slug>/moderation/merge/", moderation.moderation_merge, name="moderation-merge"),
    path(
        "projects/<slug:slug>/moderation/photos/decide/",
        moderation.moderation_photo_decide,
        name="moderation-photo-decide",
    ),
    path(
        "projects/<slug:slug>/moderation/photos/blur/",
        moderation.moderation_photo_blur,
        name="moderation-photo-blur",
    ),
]
