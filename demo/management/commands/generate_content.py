"""manage.py generate_content: newsroom-scale fake content (demo/generate.py)."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from demo.generate import HOT_STORY_COMMENTS, ContentGenerator, check_bounds


class Command(BaseCommand):
    help = (
        "Add N generated stories (with sections, bylines, 2-5 tags each, quotes, "
        "corrections) and M threaded comments (only when the comments app is "
        "installed) using bulk inserts. The same --seed and --until give the same "
        "content. Stories are published over the days before --until (about 2% "
        "drafts, 1% in review, 1% scheduled after it). Existing content is kept; "
        "existing published stories receive comments too."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stories", type=int, default=2000)
        parser.add_argument("--comments", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=date.fromisoformat,
            default=None,
            help="Last publish day (YYYY-MM-DD); default yesterday.",
        )
        parser.add_argument(
            "--stories-per-day", type=int, default=50, help="Publishing rate."
        )
        parser.add_argument(
            "--hot-comments",
            type=int,
            default=None,
            help="Comments on each story that was already there (the demo seed "
            f"story); default M/20, at most {HOT_STORY_COMMENTS}.",
        )

    def handle(self, *args, stories, comments, seed, until, stories_per_day, **options):
        hot_comments = options.get("hot_comments")
        try:
            check_bounds(
                stories=stories,
                comments=comments,
                hot_comments=hot_comments,
                stories_per_day=stories_per_day,
                until=until,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        show = options["verbosity"] > 0
        generator = ContentGenerator(
            seed=seed,
            until=until or date.today() - timedelta(days=1),
            stories_per_day=stories_per_day,
            hot_comments=hot_comments,
            stderr=self.stderr,
            show=show,
        )
        if comments and generator.comment_model is None and show:
            self.stderr.write("comments app not installed: no comments generated.")
        made_stories, made_comments, total = generator.generate(stories, comments)
        if show:
            parts = ", ".join(f"{k} {v:.1f}s" for k, v in generator.timings.items())
            self.stdout.write(
                f"Generated {made_stories:,} stories and "
                f"{made_comments:,} comments in {total:.1f}s "
                f"({parts})."
            )
