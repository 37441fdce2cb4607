import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an administrator account exists and say how to log in. "
        "A new account gets ADMIN_PASSWORD if set, otherwise a random password that is "
        "printed once and kept in var/admin-password.txt (readable by you only). "
        "An existing account's password is never changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("ADMIN_USERNAME", "admin")
        )
        parser.add_argument(
            "--email", default=os.environ.get("ADMIN_EMAIL", "admin@localhost")
        )

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        password_file = settings.VAR_DIR / "admin-password.txt"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            User.objects.create_superuser(
                username=username, email=email, password=password
            )
            if not os.environ.get("ADMIN_PASSWORD"):
                settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
                password_file.write_text(password + "\n", encoding="utf-8")
                password_file.chmod(0o600)
            self.stdout.write(
                self.style.SUCCESS(f"Created administrator '{username}'.")
            )
        else:
            password = (
                password_file.read_text().strip() if password_file.exists() else None
            )
        admin_url = f"{settings.SITE_URL}/admin/"
        if password:
            self.stdout.write(
                f"Log in at {admin_url} as '{username}' with password: {password}"
            )
        else:
            self.stdout.write(
                f"Log in at {admin_url} as '{username}' (set a new password with "
                f"`manage.py changepassword {username}`)."
            )
