from django.core.files import File
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article, Author, Byline, Quote, Section, unique_slug
from demo.comments import load_demo_comments
from demo.content import (
    GALLERY,
    SECTIONS,
    DemoStory,
    fictional_stories,
    seed_story,
)
from demo.pictures import DemoPicture
from images.models import Image
from images.uploads import add_upload


def add_to_library(file, *, alt_text: str, caption: str, credit: str) -> Image:
    """The file in the image library, added through the upload code like any other
    (a second run gives the same bytes: they are found there, not added again)."""
    outcome = add_upload(
        file, alt_text=alt_text, user=None, caption=caption, credit=credit
    )
    if outcome.error:
        raise CommandError(f"{file.name}: {outcome.error}")
    return outcome.image or outcome.existing


class Command(BaseCommand):
    help = (
        "Load the demo content: the seed story (Putin congratulates Trump) and a few "
        "fictional stories. Stories whose slug already exists are left "
        "untouched, so running it twice changes nothing."
    )

    def handle(self, *args, **options):
        created = skipped = 0
        with transaction.atomic():
            sections = {
                slug: Section.objects.get_or_create(
                    slug=slug,
                    defaults={"name": name, "description": description, "position": i},
                )[0]
                for i, (name, slug, description) in enumerate(SECTIONS)
            }
            for story in [seed_story(), *fictional_stories()]:
                # Fictional stories are dated relative to today: match on slug alone.
                if Article.objects.filter(slug=story.slug).exists():
                    skipped += 1
                    continue
                self.create_story(story, sections[story.section])
                created += 1
            # Comments under the seed story (demo/comments.py; idempotent too).
            seed = Article.objects.filter(slug=seed_story().slug).first()
            comments_created = load_demo_comments(seed) if seed else 0
        if options["verbosity"]:
            self.stdout.write(
                f"Demo content: {created} stories created, {skipped} already present, "
                f"{comments_created} comments created."
            )

    def library_image(self, story: DemoStory) -> Image:
        """The story's picture in the image library, with its alt text, caption
        and credit."""
        with story.image.open("rb") as handle:
            return add_to_library(
                File(handle, name=story.image.name),
                alt_text=story.image_alt,
                caption=story.image_caption,
                credit=story.image_credit,
            )

    def gallery_image(self, picture: DemoPicture) -> Image:
        """A drawn picture in the image library."""
        return add_to_library(
            ContentFile(picture.jpeg(), name=picture.name),
            alt_text=picture.alt_text,
            caption=picture.caption,
            credit=picture.credit,
        )

    def body(self, story: DemoStory) -> str:
        if not story.gallery:
            return story.body
        figures = "".join(
            f'<figure data-image="{self.gallery_image(p).pk}" data-size="wide">'
            "</figure>"
            for p in story.gallery
        )
        return story.body.replace(GALLERY, figures)

    def create_story(self, story: DemoStory, section: Section) -> Article:
        article = Article(
            headline=story.headline,
            slug=story.slug,
            standfirst=story.standfirst,
            body=self.body(story),
            status=story.status,
            published_at=story.published_at,
            section=section,
        )
        if story.image:
            article.featured_image = self.library_image(story)
        article.full_clean()
        article.save()
        article.tags.set(story.tags)
        for position, (name, role) in enumerate(story.authors):
            author, _ = Author.objects.get_or_create(
                slug=unique_slug(name, 150), defaults={"name": name, "role": role}
            )
            Byline.objects.create(article=article, author=author, position=position)
        for quote in story.quotes:
            Quote.objects.create(article=article, **vars(quote))
        return article
