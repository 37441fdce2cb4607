from django.core.management.base import BaseCommand

from images.models import Image
from images.renditions import render_image


class Command(BaseCommand):
    help = (
        "Queue the making of library images' renditions (widths in WebP and the "
        "original's format, the thumbnail, the focal-point crops). With --missing, "
        "only images that have no thumbnail yet: those moved from stories' featured "
        "images by articles migration 0017, which kept only their WebP widths. "
        "A task worker (manage.py db_worker) makes them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Only images without a thumbnail rendition.",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, missing=False, dry_run=False, **options):
        queued = 0
        for image in Image.objects.exclude(file="").order_by("pk").iterator():
            if missing and image.thumbnail is not None:
                continue
            if not dry_run:
                render_image.enqueue(image.pk, image.file.name)
            queued += 1
        if options["verbosity"]:
            verb = "would be queued" if dry_run else "queued"
            self.stdout.write(f"Renditions of {queued} images {verb}.")
