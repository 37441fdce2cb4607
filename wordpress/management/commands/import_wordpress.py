import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from newsroom.progress import ProgressBar
from wordpress.importer import WordPressImporter
from wordpress.sites import site_key
from wordpress.wxr import WXRError


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR 1.0–1.2 from Tools → Export, .xml or .xml.gz): "
        "posts become stories at the same dated URLs, with their excerpts, categories "
        "(the first is the section, the rest tags), tags, authors (contributor bylines "
        "without accounts), featured images read from --media-dir (a copy of "
        "wp-content/uploads), embedded quotes and tweets, and comments with their "
        "threads and statuses. Every record is kept with the site it came from (the "
        "export's blog address): running it again with that site's export updates "
        "what changed and creates no duplicates, unpublishes stories whose post is in "
        "WordPress's trash and trashes comments no longer in the export (unless "
        "--keep-deleted); another site's export creates new stories and never touches "
        "the first's. Pages, menus and other post types are not imported. "
        "A file that is not a complete WordPress export is refused and nothing is "
        "written. --dry-run reports what would happen and writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "export", help="The WordPress export file (.xml or .xml.gz)."
        )
        parser.add_argument(
            "--media-dir",
            help="A copy of the site's wp-content/uploads directory: featured images "
            "are read from it (nothing is downloaded).",
        )
        parser.add_argument(
            "--site",
            default="",
            help="The site this export comes from, as known here (e.g. "
            "herald.example.com): use the address of an earlier import when the same "
            "site has moved to a new address. Default: the export's own address.",
        )
        parser.add_argument(
            "--keep-deleted",
            action="store_true",
            help="Leave stories and comments alone whose post is in WordPress's trash "
            "or whose comment is no longer in the export (reported, not removed).",
        )
        parser.add_argument(
            "--unattributed",
            choices=["claim", "leave"],
            default="",
            help="Records imported before sites were recorded: 'claim' them for this "
            "export's site, or 'leave' them to another site. Only needed when the "
            "importer cannot tell from the export (it then refuses and asks).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything, report what would happen, write nothing.",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        media_dir = Path(options["media_dir"]) if options["media_dir"] else None
        if options["site"] and not site_key(options["site"]):
            raise CommandError(f"--site {options['site']!r} is not a site address.")
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a directory.")
        bar = ProgressBar(
            self.stderr, label="import", unit=" posts", enabled=verbosity >= 1
        )
        started = time.monotonic()
        importer = WordPressImporter(
            Path(options["export"]),
            media_dir=media_dir,
            dry_run=options["dry_run"],
            site=options["site"],
            keep_deleted=options["keep_deleted"],
            unattributed=options["unattributed"],
            progress=bar.update,
        )
        try:
            importer.check_file()
            self.check_database()
            report = importer.run()
        except WXRError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.finish()
        if verbosity >= 1:
            for line in report.lines():
                self.stdout.write(line)
            self.stdout.write(f"\nDone in {time.monotonic() - started:.1f} s.")

    def check_database(self) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError(
                "The database is not up to date: run manage.py migrate first."
            )
