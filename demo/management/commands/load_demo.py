from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article, Author, Byline, Quote, Section, unique_slug
from demo.comments import load_demo_comments
from demo.content import SECTIONS, DemoStory, fictional_stories, seed_story


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

    def create_story(self, story: DemoStory, section: Section) -> Article:
        article = Article(
            headline=story.headline,
            slug=story.slug,
            standfirst=story.standfirst,
            body=story.body,
            status=story.status,
            published_at=story.published_at,
            section=section,
            image_alt=story.image_alt,
            image_caption=story.image_caption,
            image_credit=story.image_credit,
        )
        if story.image:
            with story.image.open("rb") as handle:
                article.featured_image.save(story.image.name, File(handle), save=False)
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
