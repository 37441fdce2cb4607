"""Demo comments under the seed story: approved ones with a threaded reply, and one
held for moderation. Idempotent: a comment that exists (same fingerprint) is kept."""

from datetime import timedelta

from comments.models import Comment

DEMO_COMMENTS = [
    # (key, parent key, name, email, website, status, reason, minutes after publish, text)
    (
        "first",
        None,
        "Margaret Hale",
        "margaret.hale@example.com",
        "",
        Comment.Status.APPROVED,
        "demo content",
        95,
        "Congratulations from the Kremlin within hours of the result. Nobody should "
        "be surprised, but it is still remarkable to read it in black and white.",
    ),
    (
        "reply",
        "first",
        "Tom Oduya",
        "tom.oduya@example.com",
        "https://example.com/tom",
        Comment.Status.APPROVED,
        "demo content",
        140,
        "Remarkable, yes, but it is a standard diplomatic telegram.\n\n"
        "Read the Kasparov tweet next to it for the <em>other</em> view.",
    ),
    (
        "second",
        None,
        "Ines Marquez",
        "ines.marquez@example.com",
        "",
        Comment.Status.APPROVED,
        "demo content",
        210,
        "“Constructive dialogue” is doing a lot of work in that statement.",
    ),
    (
        "held",
        None,
        "First Time Reader",
        "new.reader@example.com",
        "",
        Comment.Status.PENDING,
        "first comment from this author",
        300,
        "First time commenting here. Will relations really improve? I doubt it.",
    ),
]


def load_demo_comments(article) -> int:
    """Add the demo comments to a story; returns how many were created."""
    created = 0
    made = {}
    for (
        key,
        parent_key,
        name,
        email,
        url,
        status,
        reason,
        minutes,
        text,
    ) in DEMO_COMMENTS:
        parent = made.get(parent_key)
        comment = Comment(
            article=article,
            parent=parent,
            author_name=name,
            author_email=email,
            author_url=url,
            content=text,
            status=status,
            status_reason=reason,
            ip_address="192.0.2.10",
            user_agent="Demo data",
            created_at=(article.published_at or article.created_at)
            + timedelta(minutes=minutes),
        )
        existing = Comment.objects.filter(
            fingerprint=comment.make_fingerprint()
        ).first()
        if existing is not None:
            made[key] = existing
            continue
        comment.save()
        made[key] = comment
        created += 1
    return created
