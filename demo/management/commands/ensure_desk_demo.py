import secrets
from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, Author, Byline, Section
from demo.content import fictional_stories, seed_story

ACCOUNTS = [
    ("contributor", workflow.CONTRIBUTOR, "Carla Contributor"),
    ("author", workflow.AUTHOR, "Anton Author"),
    ("editor", workflow.EDITOR, "Elena Editor"),
    ("moderator", "Moderator", "Mikhail Moderator"),
]
STORIES = [
    # (headline, who writes it, status, publish time offset)
    ("Harbour Town library to open on Sundays", "contributor", "draft", None),
    ("Valley bus timetable changes next month", "contributor", "review", None),
    (
        "Harbour Town regatta: the full programme",
        "author",
        "scheduled",
        timedelta(days=1),
    ),
]


class Command(BaseCommand):
    help = (
        "Demo of the editorial desk: one staff account per role (contributor, author, "
        "editor, and moderator when the comments app's Moderator group exists), each "
        "with a random password printed once and kept in var/desk-accounts.txt "
        "(readable by you only), plus a draft, a story in review and a scheduled story. "
        "Existing accounts and stories are left alone. For demos only: never run it on "
        "a production site."
    )

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 0
        password_file = settings.VAR_DIR / "desk-accounts.txt"
        known = {}
        if password_file.exists():
            for line in password_file.read_text(encoding="utf-8").splitlines():
                username, _, password = line.partition(" ")
                known[username] = password
        with transaction.atomic():
            users = self.ensure_accounts(known)
            created = self.ensure_stories(users)
            versioned = self.first_revisions()
        if known:
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password_file.write_text(
                "".join(f"{u} {p}\n" for u, p in known.items()), encoding="utf-8"
            )
            password_file.chmod(0o600)
        if verbose:
            self.stdout.write(
                f"Desk demo: {created} stories created, first revisions stored for "
                f"{versioned}."
            )
            for username, role, _ in ACCOUNTS:
                if username in users:
                    password = known.get(username, "(unchanged; see changepassword)")
                    self.stdout.write(
                        f"  {role:<12} log in as '{username}' with password: {password}"
                    )

    def ensure_accounts(self, known):
        User = get_user_model()
        users = {}
        for username, role, name in ACCOUNTS:
            group = Group.objects.filter(name=role).first()
            if group is None:
                continue  # e.g. Moderator before the comments app is installed
            user = User.objects.filter(username=username).first()
            if user is None:
                password = secrets.token_urlsafe(12)
                first, last = name.split(" ", 1)
                user = User.objects.create_user(
                    username,
                    f"{username}@localhost",
                    password,
                    first_name=first,
                    last_name=last,
                    is_staff=True,
                )
                user.groups.add(group)
                known[username] = password
            Author.objects.get_or_create(
                user=user, defaults={"name": name, "role": role}
            )
            users[username] = user
        return users

    def ensure_stories(self, users):
        created = 0
        section = Section.objects.filter(slug="local").first()
        for headline, writer, state, offset in STORIES:
            user = users.get(writer)
            if user is None or Article.objects.filter(headline=headline).exists():
                continue
            story = Article.objects.create(
                headline=headline,
                standfirst="A demo story for the editorial desk.",
                body="<p>Fictional text for trying out the newsroom's workflow.</p>",
                section=section,
                created_by=user,
            )
            Byline.objects.create(article=story, author=user.author_profile)
            with reversion.create_revision():
                reversion.set_user(user)
                reversion.set_comment("Demo: first draft.")
                story.save()
            if state == "review":
                story.submit_for_review(user)
            elif state == "scheduled":
                when = timezone.localtime(timezone.now() + offset).replace(
                    hour=8, minute=0, second=0, microsecond=0
                )
                story.schedule(user, when)
            created += 1
        return created

    def first_revisions(self):
        """A first revision for load_demo's stories only: a site full of bulk-made
        stories (generate_content, an import) is not versioned one by one here."""
        versioned = set(
            Version.objects.get_for_model(Article).values_list("object_id", flat=True)
        )
        demo_slugs = [story.slug for story in (seed_story(), *fictional_stories())]
        count = 0
        for story in Article.objects.filter(slug__in=demo_slugs).exclude(
            pk__in=[int(pk) for pk in versioned]
        ):
            with reversion.create_revision():
                reversion.set_comment("Initial version (demo content).")
                reversion.add_to_revision(story)
            count += 1
        return count
