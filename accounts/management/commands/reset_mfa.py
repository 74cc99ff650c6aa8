"""Remove a staff account's second factors, for an editor who lost their phone."""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError

from accounts import mfa


class Command(BaseCommand):
    help = (
        "Delete every second factor (authenticator app and recovery codes) of USERNAME and "
        "end that user's sessions. At the next sign-in the user sets up a new app after the "
        "password. Check who is asking before you run it: it is how an account is taken over."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed = mfa.reset_second_factor(user)
        ended = self.end_sessions(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} second factor(s) of {username} and ended {ended} "
                "session(s); the next sign-in asks to set up an authenticator app."
            )
        )

    def end_sessions(self, user):
        ended = 0
        for session in Session.objects.iterator():
            if session.get_decoded().get("_auth_user_id") == str(user.pk):
                session.delete()
                ended += 1
        return ended
