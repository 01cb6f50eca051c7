from django.urls import path

from . import account_views, author_views, moderation_views, planning_views, version_views, views

app_name = "participation"

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<slug:slug>/", views.project_map, name="project-map"),
    path("projects/<slug:slug>/suggestions/<int:pk>/", views.suggestion_detail, name="suggestion-detail"),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/support/",
        views.suggestion_support,
        name="suggestion-support",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/comments/",
        views.suggestion_comment,
        name="suggestion-comment",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/edit/",
        author_views.suggestion_edit,
        name="suggestion-edit",
    ),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/withdraw/",
        author_views.suggestion_withdraw,
        name="suggestion-withdraw",
    ),
    path("account/", account_views.account_overview, name="account"),
    path("account/suggestions/", account_views.account_suggestions, name="account-suggestions"),
    path("account/data/", account_views.account_data, name="account-data"),
    path("account/notifications/", account_views.account_notifications, name="account-notifications"),
    path("account/delete/", account_views.account_delete, name="account-delete"),
    path("contact/<str:token>/", views.contact_confirm, name="contact-confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(
        "projects/<slug:slug>/suggestions/<int:pk>/reports/",
        views.suggestion_report,
        name="suggestion-report",
    ),
    path("projects/<slug:slug>/dashboard/", planning_views.planner_dashboard, name="planning-dashboard"),
    path(
        "projects/<slug:slug>/planning/suggestions/<int:pk>/",
        planning_views.planner_answer,
        name="planning-answer",
    ),
    path("projects/<slug:slug>/moderation/", moderation_views.moderation_queue, name="moderation-queue"),
    path(
        "projects/<slug:slug>/moderation/decide/",
        moderation_views.moderation_decide,
        name="moderation-decide",
    ),
    path(
        "projects/<slug:slug>/moderation/suggestions/<int:pk>/versions/",
        version_views.suggestion_versions_page,
        name="moderation-versions",
    ),
    path("projects/<slug:slug>/moderation/bulk/", moderation_views.moderation_bulk, name="moderation-bulk"),
    path(
        "projects/<slug:slug>/moderation/merge/", moderation_views.moderation_merge, name="moderation-merge"
    ),
]
