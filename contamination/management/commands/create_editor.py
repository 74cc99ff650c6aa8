"""Create an editor account (staff, in the Editors group) or add an existing user to it."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create an editor: a staff user in the Editors group, who can add, change and publish "
        "records in the admin but not delete them. An existing user is added to the group. "
        "Asks for a password unless --no-password (set it later with changepassword)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-password", action="store_true", help="Create the account without a password."
        )

    # A refused password leaves no account behind.
    @transaction.atomic
    def handle(self, *args, username, email, no_password, **options):
        try:
            editors = Group.objects.get(name="Editors")
        except Group.DoesNotExist:
            raise CommandError("The Editors group is missing: run `manage.py migrate`.") from None
        User = get_user_model()
        user, created = User.objects.get_or_create(
            **{User.USERNAME_FIELD: username}, defaults={"email": email}
        )
        if created and not no_password:
            password = self.ask_password(user)
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.is_staff = True
        user.save()
        user.groups.add(editors)
        verb = "Created editor" if created else "Added to the Editors group:"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {username}. Sign in at /admin/ "
                "(the first sign-in sets up an authenticator app)."
            )
        )

    def ask_password(self, user):
        for _attempt in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The passwords differ.")
                continue
            try:
                validate_password(password, user)
            except ValidationError as error:
                self.stderr.write(" ".join(error.messages))
                continue
            return password
        raise CommandError("No password set; run the command again.")
