"""participation's endpoints under /api/v1/: accounts' tokens, anti-spam challenges, projects, writing and
discussing suggestions. config/api_urls.py composes them with the read path's under the namespace `api`."""

from altcha_django.views import ChallengeView
from django.urls import path

from .api import auth, discussion, photos, projects, suggestions

urlpatterns = [
    path("auth/token/", auth.TokenApi.as_view(), name="auth-token"),
    # A fresh proof-of-work challenge for anonymous writes (rate-limited per address).
    path("altcha/challenge/", ChallengeView.as_view(), name="altcha-challenge"),
    path("projects/", projects.ProjectListApi.as_view(), name="project-list"),
    path(
        "projects/<slug:slug>/list/", suggestions.SuggestionListApi.as_view(), name="suggestion-viewport-list"
    ),
    path("projects/<slug:slug>/duplicates/", suggestions.DuplicateListApi.as_view(), name="duplicate-list"),
    path("suggestions/<int:pk>/", suggestions.SuggestionDetailApi.as_view(), name="suggestion-detail"),
    path("suggestions/<int:pk>/comments/", discussion.CommentListApi.as_view(), name="comment-list"),
    path("suggestions/<int:pk>/support/", discussion.SupportApi.as_view(), name="support"),
    path("suggestions/<int:pk>/reports/", discussion.ReportApi.as_view(), name="report-list"),
    path(
        "suggestions/<int:pk>/photos/", photos.SuggestionPhotoListApi.as_view(), name="suggestion-photo-list"
    ),
    path(
        "suggestions/<int:pk>/comments/<int:comment_pk>/photos/",
        photos.CommentPhotoListApi.as_view(),
        name="comment-photo-list",
    ),
    # A photo's files, by its random key; served only to whom may see the photo.
    path("photos/<slug:key>/<slug:rendition>.jpg", photos.PhotoFileApi.as_view(), name="photo-file"),
]
