from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from requests_app.demo.bulk import seed_requests
from requests_app.demo.cast import AgencyNotFound
from requests_app.demo.services import DEMO_PASSWORD, DEMO_USERNAME, demo_seed
from requests_app.demo.story import tell_story


class Command(BaseCommand):
    help = ("Create (or refresh) the demo organization, user and agencies, with a few weeks of campaigns, "
            "replies, fees and documents. Safe to re-run.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--requests", type=int, default=0, metavar="N",
                            help="make sure the demo organization has N demo requests spread over the lifecycle, "
                                 "with the campaigns, replies, fees and documents a team of that size has")
        parser.add_argument("--agencies", type=int, default=None, metavar="N",
                            help="spread the --requests over N agencies evenly chosen from the directory "
                                 "(default: every agency loaded)")

    def handle(self, *args, **options) -> None:
        if options["requests"] < 0:
            raise CommandError("--requests must be zero or more")
        if options["agencies"] is not None and options["agencies"] < 1:
            raise CommandError("--agencies must be at least 1")
        seed = demo_seed()
        today = timezone.localdate()
        self.stdout.write(f"organization: {seed.organization.name} ({seed.organization.slug})")
        self.stdout.write(f"agencies: {seed.agencies.summary()}")
        for rejection in seed.agencies.rejected:
            self.stderr.write(f"  rejected {rejection}")
        if seed.user_created:
            self.stdout.write(f"login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        else:
            self.stdout.write(f"login: {DEMO_USERNAME} (password unchanged)")
        try:
            story = tell_story(organization=seed.organization, user=seed.user, today=today)
        except AgencyNotFound as exc:
            raise CommandError(f"The story was not told: {exc}") from None
        self.stdout.write(f"story: {story.summary()}")
        if options["requests"]:
            added = seed_requests(organization=seed.organization, user=seed.user, count=options["requests"],
                                  today=today, agency_count=options["agencies"])
            self.stdout.write(f"requests: added {added}, demo organization now has {options['requests']} or more")
