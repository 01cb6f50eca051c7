from altcha_django.views import ChallengeView
from django.urls import include, path

from .api import auth, discussion, reads, suggestions

app_name = "api"

urlpatterns = [
    path("auth/token/", auth.TokenApi.as_view(), name="auth-token"),
    # A fresh proof-of-work challenge for anonymous writes (rate-limited per address).
    path("altcha/challenge/", ChallengeView.as_view(), name="altcha-challenge"),
    path("projects/", reads.ProjectListApi.as_view(), name="project-list"),
    path(
        "projects/<slug:slug>/suggestions/",
        suggestions.SuggestionCollectionApi.as_view(),
        name="suggestion-list",
    ),
    path(
        "projects/<slug:slug>/list/", suggestions.SuggestionListApi.as_view(), name="suggestion-viewport-list"
    ),
    path("projects/<slug:slug>/duplicates/", suggestions.DuplicateListApi.as_view(), name="duplicate-list"),
    path("suggestions/<int:pk>/", suggestions.SuggestionDetailApi.as_view(), name="suggestion-detail"),
    path("suggestions/<int:pk>/comments/", discussion.CommentListApi.as_view(), name="comment-list"),
    path("suggestions/<int:pk>/support/", discussion.SupportApi.as_view(), name="support"),
    path("suggestions/<int:pk>/reports/", discussion.ReportApi.as_view(), name="report-list"),
    path("", include("geo.api_urls")),
]
