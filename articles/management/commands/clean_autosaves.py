from django.core.management.base import BaseCommand

from articles import autosave, conflicts


class Command(BaseCommand):
    help = (
        "Delete autosaves (unsaved story text kept per story and user) last saved, "
        "and refused saves (kept for the conflict screen) refused, more than "
        "--older-than days ago (default 30). Saved stories and their "
        "revisions are never touched. Run it daily (cron or a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=30, metavar="DAYS")

    def handle(self, *args, **options):
        days = options["older_than"]
        deleted = autosave.delete_older_than(days)
        refused = conflicts.delete_older_than(days)
        if options["verbosity"]:
            self.stdout.write(f"Autosaves: {deleted} older than {days} days deleted.")
            self.stdout.write(
                f"Refused saves: {refused} older than {days} days deleted."
            )
