import base64

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.demo import DEMO_TOTP_KEY, demo_people_create


class Command(BaseCommand):
    help = "Create demo departments, one user per role (and demo cameras when that app has them)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data refuses to run with DEBUG off (it creates known passwords)."
            )
        with transaction.atomic():
            rows = demo_people_create()
            extra = []
            from django.apps import apps

            for config in apps.get_app_configs():
                hook = getattr(config, "demo_data", None)
                if hook:
                    extra.extend(hook())
        self.stdout.write("Demo users (username / password / role):")
        for username, password, role, needs_totp in rows:
            note = "  [two-factor]" if needs_totp else ""
            self.stdout.write(f"  {username:<10} {password}  {role}{note}")
        secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(f"Two-factor demo key (add to an authenticator app): {secret}")
        for line in extra:
            self.stdout.write(line)
