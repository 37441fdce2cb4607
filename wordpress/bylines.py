"""WordPress authors → contributor bylines (no accounts), one per login and site,
found again by login on the next run."""

from articles.models import Article, Author, Byline, unique_slug
from wordpress.models import WordPressImport
from wordpress.records import digest_of
from wordpress.report import ItemLog
from wordpress.survey import plain_text
from wordpress.wxr import Item


def author_logins(item: Item) -> list[str]:
    """dc:creator, then Co-Authors Plus co-authors, each once."""
    logins = [item.creator] if item.creator else []
    for domain, nicename, _name in item.terms:
        if domain == "author":
            login = nicename.removeprefix("cap-")
            if login and login not in logins:
                logins.append(login)
    return logins


class BylineImport:
    """A run's bylines, each author looked up or created once."""

    def __init__(self, display_names: dict[str, str], *, site: str):
        self.display_names = display_names  # login → display name
        self.site = site
        # Authors by login; forgotten when a post's transaction fails.
        self.authors: dict[str, Author] = {}

    def forget(self) -> None:
        """The rows looked up so far may have been rolled back."""
        self.authors.clear()

    def set_bylines(
        self, item: Item, article: Article, log: ItemLog, adding: bool
    ) -> None:
        if not adding:
            Byline.objects.filter(article=article).delete()
        for position, login in enumerate(author_logins(item)):
            author = self._author(login, log)
            Byline.objects.create(article=article, author=author, position=position)

    def _author(self, login: str, log: ItemLog) -> Author:
        """A contributor byline (no account) per WordPress login, found again by login."""
        if login not in self.authors:
            self.authors[login] = self._find_author(login, log)
        return self.authors[login]

    def _find_author(self, login: str, log: ItemLog) -> Author:
        name = plain_text(self.display_names.get(login, login))[:150] or login[:150]
        digest = digest_of(name)
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.AUTHOR, wp_id=login[:200]
        ).first()
        author = mapping and Author.objects.filter(pk=mapping.object_id).first()
        if author:
            if mapping.digest != digest:
                author.name = name
                author.save(update_fields=["name"])
                mapping.digest = digest
                mapping.save(update_fields=["digest", "imported_at"])
                log.add("bylines", "updated", key=login)
            else:
                log.add("bylines", "unchanged", key=login)
            return author
        slug = unique_slug(name, 150)
        taken = WordPressImport.objects.filter(
            kind=WordPressImport.Kind.AUTHOR,
            object_id__in=Author.objects.filter(slug=slug).values("pk"),
        ).exists()
        author = None if taken else Author.objects.filter(slug=slug).first()
        if author is None:
            if taken:
                slug = unique_slug(f"{name} {login}", 150)
            author, created = Author.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
            log.add("bylines", "created" if created else "unchanged", key=login)
        else:
            # A byline of the same name that was written here: the same person.
            log.add("bylines", "unchanged", key=login)
            log.note("WordPress author matched to an existing byline of the same name")
        WordPressImport.objects.update_or_create(
            site=self.site,
            kind=WordPressImport.Kind.AUTHOR,
            wp_id=login[:200],
            defaults={"object_id": author.pk, "digest": digest},
        )
        return author
