"""`manage.py send_digests`: the daily mail to followers and alert subscribers who chose one a day.

Run it once a day (cron or a systemd timer, like purge_personal_data; see docs/notifications.md). It sends
whatever is pending, so a missed day is caught up by the next run; running it twice sends nothing twice.
Why a command and not a self-rescheduling task: see participation/follow_mail.py.
"""

from typing import Any

from django.core.management.base import BaseCommand

from participation.follow_mail import digests_send


class Command(BaseCommand):
    help = (
        "Send each follower and alert subscriber who chose daily mails one mail with everything pending "
        "(and any immediate mail still waiting). Run it once a day."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = digests_send()
        self.stdout.write(f"Sent {done.mails} daily mails with {done.items} items.")
