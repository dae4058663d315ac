from __future__ import annotations

from django.core.management.base import BaseCommand

from requests_app.demo.services import DEMO_PASSWORD, DEMO_USERNAME, demo_seed


class Command(BaseCommand):
    help = "Create (or refresh) the demo organization, user and agencies. Safe to re-run."

    def handle(self, *args, **options) -> None:
        seed = demo_seed()
        self.stdout.write(f"organization: {seed.organization.name} ({seed.organization.slug})")
        self.stdout.write(f"agencies: {seed.agencies.summary()}")
        if seed.user_created:
            self.stdout.write(f"login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        else:
            self.stdout.write(f"login: {DEMO_USERNAME} (password unchanged)")
