"""The anti-spam fields every anonymous write may carry (ignored for signed-in participants)."""

from django.utils.translation import gettext_lazy
from rest_framework import serializers


class AntiSpamInput(serializers.Serializer):
    altcha = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text=gettext_lazy(
            "Anonymous participants: the ALTCHA payload, a solved challenge from /api/v1/altcha/challenge/. "
            "Each is accepted once."
        ),
    )
    website = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        default="",
        help_text=gettext_lazy("Leave empty. A field people do not see; bots fill it in."),
    )

    @property
    def anti_spam(self) -> dict[str, str]:
        return {"proof": self.validated_data["altcha"], "honeypot": self.validated_data["website"]}
