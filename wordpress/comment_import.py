"""WordPress comments → ours, post by post.

Each comment is keyed on its site and WordPress ID, like every imported record;
a comment the export no longer has (WordPress leaves trashed and spam comments
out) goes to our trash.
"""

import html
import ipaddress

from django.db import transaction

from articles.models import Article
from comments.content import render_comment_html
from comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX, URL_MAX, Comment
from wordpress.models import WordPressImport
from wordpress.records import TRASHED, digest_of
from wordpress.report import ItemLog, describe_error
from wordpress.survey import plain_text
from wordpress.wxr import Item, aware_time


def import_comments(
    item: Item,
    article: Article,
    label: str,
    log: ItemLog,
    *,
    site: str,
    keep_deleted: bool,
) -> None:
    """A post's comments, in a transaction of their own: if they cannot be saved,
    the story stays and the report says why."""
    mark = len(log.events)
    try:
        with transaction.atomic():
            changed = CommentImport(
                item, article, log, site=site, keep_deleted=keep_deleted
            ).run()
            if changed:
                Comment.objects.recount([article.pk])
    except Exception as exc:  # the story stays; its comments are reported
        del log.events[mark:]
        log.skip(
            "comments",
            f"could not be saved ({describe_error(exc)})",
            label,
            n=len(item.comments),
        )


COMMENT_STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}


class CommentImport:
    """One post's comments: threading kept, created in bulk, parents before replies."""

    def __init__(
        self,
        item: Item,
        article: Article,
        log: ItemLog,
        *,
        site: str,
        keep_deleted: bool = False,
    ):
        self.Comment = Comment
        self.render = render_comment_html
        self.item = item
        self.article = article
        self.log = log
        self.site = site
        self.keep_deleted = keep_deleted

    def run(self) -> bool:
        Comment, log = self.Comment, self.log
        wanted = {}
        for wp in self.item.comments:
            if wp.comment_type in {"pingback", "trackback"}:
                log.skip("comments", "pingback or trackback")
                continue
            status = COMMENT_STATUS.get(wp.approved)
            created_at = aware_time(wp.date_gmt, wp.date)
            if not wp.comment_id:
                log.skip("comments", "no comment ID")
            elif status is None:
                log.skip(
                    "comments", f"unknown status “{wp.approved}”", f"#{wp.comment_id}"
                )
            elif created_at is None:
                log.skip("comments", "no valid date", f"#{wp.comment_id}")
            elif not wp.content.strip():
                log.skip("comments", "empty", f"#{wp.comment_id}")
            else:
                wanted[wp.comment_id] = (wp, status, created_at)
        if not wanted:
            return self._withdraw_missing({})
        mappings = {
            m.wp_id: m
            for m in WordPressImport.objects.filter(
                site=self.site,
                kind=WordPressImport.Kind.COMMENT,
                wp_id__in=list(wanted),
            )
        }
        existing = Comment.objects.in_bulk([m.object_id for m in mappings.values()])
        ours: dict[str, object] = {}  # WordPress comment ID → our Comment
        for wp_id, mapping in mappings.items():
            if mapping.object_id in existing:
                ours[wp_id] = existing[mapping.object_id]
        # The comments app refuses two live comments with the same fingerprint
        # (which includes the story, so only this story's comments can clash).
        self.taken = dict(
            Comment.objects.filter(article=self.article)
            .exclude(status=Comment.Status.TRASH)
            .values_list("fingerprint", "pk")
        )
        self.new_records, self.changed_records = [], []
        changed = False
        # Parents before replies: walk the thread level by level.
        remaining = dict(wanted)
        while level_ids := [
            wp_id
            for wp_id, (wp, *_rest) in remaining.items()
            if wp.parent not in remaining
        ]:
            changed |= self._level(level_ids, wanted, mappings, ours)
            for wp_id in level_ids:
                del remaining[wp_id]
        for wp_id in remaining:  # a reply loop: WordPress never writes one
            log.skip("comments", "its parent chain loops", f"#{wp_id}")
        WordPressImport.objects.bulk_create(
            self.new_records,
            update_conflicts=True,
            unique_fields=["site", "kind", "wp_id"],
            update_fields=["object_id", "digest"],
        )
        WordPressImport.objects.bulk_update(self.changed_records, ["digest"])
        return self._withdraw_missing(ours) or changed

    def _withdraw_missing(self, ours: dict) -> bool:
        """This story's comments from this site that the export no longer has
        (WordPress leaves trashed and spam comments out) go to our trash."""
        Comment, log = self.Comment, self.log
        # Usually every comment of the story is one the export still has: then one
        # indexed query, and no search through the import records.
        present = {comment.pk for comment in ours.values()}
        others = [
            pk
            for pk in Comment.objects.filter(article=self.article).values_list(
                "pk", flat=True
            )
            if pk not in present
        ]
        if not others:
            return False
        exported = [wp.comment_id for wp in self.item.comments if wp.comment_id]
        gone = (
            WordPressImport.objects.filter(
                site=self.site, kind=WordPressImport.Kind.COMMENT, object_id__in=others
            )
            .exclude(wp_id__in=exported)
            .exclude(digest=TRASHED)  # withdrawn by an earlier run
        )
        comments = Comment.objects.in_bulk(others)
        changed = False
        for mapping in gone:
            comment = comments.get(mapping.object_id)
            example = f"#{mapping.wp_id}"
            if self.keep_deleted:
                log.skip(
                    "comments",
                    "no longer in the export, kept here (--keep-deleted)",
                    example,
                )
                continue
            # Should it come back, its data differs from TRASHED: it is re-applied.
            mapping.digest = TRASHED
            mapping.save(update_fields=["digest", "imported_at"])
            if comment is not None and comment.trash(
                reason="no longer in the WordPress export"
            ):
                changed = True
                log.remove(
                    "comments", "no longer in the export: moved to the trash", example
                )
        return changed

    def _fields(self, wp, status, created_at, parent) -> dict:
        url = wp.author_url.strip()[:URL_MAX]
        if not url.lower().startswith(("http://", "https://")):
            url = ""
        email = wp.author_email.strip()
        try:
            ip = str(ipaddress.ip_address(wp.author_ip.strip()))
        except ValueError:
            ip = None
        content = html.unescape(wp.content).strip()[:CONTENT_MAX]
        return {
            "article": self.article,
            "parent": parent,
            "depth": (parent.depth + 1) if parent is not None else 1,
            "status": status,
            "author_name": plain_text(wp.author)[:NAME_MAX],
            "author_email": email if len(email) <= EMAIL_MAX and "@" in email else "",
            "author_url": url,
            "ip_address": ip,
            "user_agent": wp.user_agent[:255],
            "content": content,
            "content_html": self.render(content),
            "created_at": created_at,
            "status_reason": "imported from WordPress",
        }

    def _level(self, level_ids, wanted, mappings, ours) -> bool:
        """Create or update one level of the threads; returns whether anything changed."""
        Comment, log = self.Comment, self.log
        candidates = []  # (comment, WordPress ID, digest)
        for wp_id in level_ids:
            wp, status, created_at = wanted[wp_id]
            digest = digest_of(
                wp.author,
                wp.author_email,
                wp.author_url,
                wp.author_ip,
                wp.user_agent,
                wp.date,
                wp.date_gmt,
                wp.content,
                wp.approved,
                wp.parent,
            )
            comment = ours.get(wp_id)
            if comment is not None and mappings[wp_id].digest == digest:
                log.add("comments", "unchanged")
                continue
            fields = self._fields(wp, status, created_at, ours.get(wp.parent))
            if comment is None:
                comment = Comment(**fields)
            else:
                for name, value in fields.items():
                    setattr(comment, name, value)
            comment.fingerprint = comment.make_fingerprint()
            comment.email_key = Comment.fold_email(comment.author_email)
            candidates.append((comment, wp_id, digest))
        taken = self.taken
        new, updated = [], []
        for comment, wp_id, digest in candidates:
            if comment.status != Comment.Status.TRASH:
                if taken.get(comment.fingerprint, comment.pk) != comment.pk:
                    log.skip(
                        "comments",
                        "a duplicate (same author, text and parent)",
                        f"#{wp_id}",
                    )
                    continue
                taken[comment.fingerprint] = comment.pk or -1
            (updated if comment.pk else new).append((comment, wp_id, digest))
        if new:
            Comment.objects.bulk_create([c for c, *_ in new])
            for comment, wp_id, digest in new:
                taken[comment.fingerprint] = comment.pk
                self.new_records.append(
                    WordPressImport(
                        site=self.site,
                        kind=WordPressImport.Kind.COMMENT,
                        wp_id=wp_id,
                        object_id=comment.pk,
                        digest=digest,
                    )
                )
            log.add("comments", "created", len(new))
        if updated:
            Comment.objects.bulk_update(
                [c for c, *_ in updated],
                [
                    "parent",
                    "depth",
                    "status",
                    "author_name",
                    "author_email",
                    "email_key",
                    "author_url",
                    "ip_address",
                    "user_agent",
                    "content",
                    "content_html",
                    "created_at",
                    "fingerprint",
                ],
            )
            for _comment, wp_id, digest in updated:
                mappings[wp_id].digest = digest
                self.changed_records.append(mappings[wp_id])
            log.add("comments", "updated", len(updated))
        for comment, wp_id, _ in new + updated:
            ours[wp_id] = comment
        return bool(new or updated)
