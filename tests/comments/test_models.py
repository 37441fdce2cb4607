import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from articles.models import Article
from comments.models import Comment
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

S = Comment.Status


def count(article) -> int:
    return Article.objects.get(pk=article.pk).comment_count


def test_new_approved_comment_counts_and_pending_does_not():
    article = make_article()
    make_comment(article)
    make_comment(article, status=S.PENDING)
    assert count(article) == 1


@pytest.mark.parametrize(
    ("start", "method", "end", "delta"),
    [
        (S.PENDING, "approve", S.APPROVED, +1),
        (S.APPROVED, "unapprove", S.PENDING, -1),
        (S.APPROVED, "mark_spam", S.SPAM, -1),
        (S.PENDING, "mark_spam", S.SPAM, 0),
        (S.APPROVED, "trash", S.TRASH, -1),
        (S.SPAM, "trash", S.TRASH, 0),
    ],
)
def test_transition_changes_status_and_count(start, method, end, delta):
    article = make_article()
    comment = make_comment(article, status=start)
    before = count(article)
    assert getattr(comment, method)() is True
    comment.refresh_from_db()
    assert comment.status == end
    assert count(article) == before + delta


def test_trash_then_restore_returns_to_approved_and_counts_again(django_user_model):
    moderator = django_user_model.objects.create_user("m", "m@example.com", "pw")
    article = make_article()
    comment = make_comment(article)
    assert comment.trash(by=moderator)
    assert count(article) == 0
    assert Comment.objects.get(pk=comment.pk).restore(by=moderator)
    comment.refresh_from_db()
    assert comment.status == S.APPROVED and comment.moderated_by == moderator
    assert count(article) == 1


def test_spam_then_not_spam_returns_to_where_it_was():
    article = make_article()
    comment = make_comment(article, status=S.PENDING)
    comment.mark_spam()
    assert Comment.objects.get(pk=comment.pk).not_spam()
    assert Comment.objects.get(pk=comment.pk).status == S.PENDING


def test_screened_spam_goes_back_to_pending_not_approved():
    article = make_article()
    comment = make_comment(article, status=S.SPAM)
    assert comment.not_spam()
    assert comment.status == S.PENDING and count(article) == 0


@pytest.mark.parametrize(
    ("start", "method"),
    [
        (S.APPROVED, "approve"),
        (S.PENDING, "unapprove"),
        (S.PENDING, "not_spam"),
        (S.APPROVED, "restore"),
        (S.SPAM, "mark_spam"),
    ],
)
def test_transition_from_the_wrong_status_changes_nothing(start, method):
    article = make_article()
    comment = make_comment(article, status=start)
    before = count(article)
    assert getattr(comment, method)() is False
    assert Comment.objects.get(pk=comment.pk).status == start
    assert count(article) == before


def test_two_moderators_approving_at_once_count_the_comment_once():
    article = make_article()
    comment = make_comment(article, status=S.PENDING)
    first, second = (
        Comment.objects.get(pk=comment.pk),
        Comment.objects.get(pk=comment.pk),
    )
    assert first.approve() is True
    assert second.approve() is False
    assert count(article) == 1


def test_trash_by_one_moderator_and_approve_by_another_only_one_wins():
    article = make_article()
    comment = make_comment(article, status=S.PENDING)
    first, second = (
        Comment.objects.get(pk=comment.pk),
        Comment.objects.get(pk=comment.pk),
    )
    assert first.trash() is True
    assert second.approve() is False  # it saw "pending", which is no longer true
    assert Comment.objects.get(pk=comment.pk).status == S.TRASH
    assert count(article) == 0


def test_delete_permanently_only_from_spam_or_trash_and_replies_move_up():
    article = make_article()
    top = make_comment(article)
    middle = make_comment(article, parent=top)
    reply = make_comment(article, parent=middle)
    assert middle.delete_permanently() is False
    assert middle.trash()
    assert Comment.objects.get(pk=middle.pk).delete_permanently() is True
    assert not Comment.objects.filter(pk=middle.pk).exists()
    reply.refresh_from_db()
    assert reply.parent == top
    assert count(article) == 2


def test_stale_copy_cannot_delete_a_restored_comment():
    article = make_article()
    comment = make_comment(article, status=S.TRASH)
    stale = Comment.objects.get(pk=comment.pk)
    assert comment.restore()
    assert stale.delete_permanently() is False
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_restoring_a_trashed_twin_of_a_live_comment_is_refused():
    article = make_article()
    trashed = make_comment(article, author_email="a@example.com", content="Same.")
    trashed.trash()
    make_comment(article, author_email="a@example.com", content="Same.")
    assert Comment.objects.get(pk=trashed.pk).restore() is False


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,x",
        "JaVaScRiPt:alert(1)",
        "ftp://x.example",
    ],
)
def test_model_refuses_non_http_website_on_every_path(url):
    article = make_article()
    with pytest.raises(ValidationError):
        make_comment(article, author_url=url)
    comment = make_comment(article)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(author_url=url)
    with pytest.raises(ValidationError):
        Comment(article=article, content="x", author_url=url).full_clean()


def test_content_is_rendered_as_safe_paragraphs():
    comment = make_comment(
        make_article(),
        content='Line one\nline two\n\n<b onclick="x()">Bold</b> <img src=x onerror=y>'
        '<a href="https://ok.example/" target="_blank">ok</a>',
    )
    assert comment.content_html.startswith("<p>Line one<br>line two</p>")
    assert "<b>Bold</b>" in comment.content_html
    assert "onerror" not in comment.content_html and "<img" not in comment.content_html
    assert 'rel="nofollow ugc"' in comment.content_html
    assert 'target="_blank"' not in comment.content_html


def test_recount_repairs_a_drifted_comment_count():
    article = make_article()
    make_comment(article)
    Article.objects.filter(pk=article.pk).update(comment_count=42)
    assert Comment.objects.recount() == 1
    assert count(article) == 1


def test_queryset_helpers():
    article = make_article()
    approved = make_comment(article)
    pending = make_comment(article, status=S.PENDING)
    assert list(Comment.objects.approved()) == [approved]
    assert list(Comment.objects.pending()) == [pending]
    assert list(Comment.objects.moderation_queue())[0] == pending


def test_existing_addresses_are_folded_for_matching_by_the_migration():
    import importlib
    from types import SimpleNamespace

    from django.apps import apps

    migration = importlib.import_module("comments.migrations.0003_comment_email_key")
    article = make_article()
    plain = make_comment(article, author_email=" Ann@Example.COM")
    accented = make_comment(article, author_email="Jörg@BÜCHER.de")
    Comment.objects.update(email_key="")  # as before the migration

    migration.fill_email_key(apps, SimpleNamespace(connection=connection))

    plain.refresh_from_db()
    accented.refresh_from_db()
    assert plain.email_key == "ann@example.com"
    assert (
        accented.email_key == "jörg@bücher.de" == Comment.fold_email("JÖRG@bücher.DE")
    )


def test_an_address_that_grows_when_folded_still_saves():
    address = "İ" * 60 + "@example.com"  # "İ".lower() is two characters
    comment = make_comment(make_article(), author_email=address)
    comment.refresh_from_db()
    assert comment.email_key == address.lower()


def test_str_names_the_author_and_the_story():
    article = make_article(headline="Putin congratulates Trump")
    comment = make_comment(article, author_name="Larry")
    assert str(comment) == "Comment by Larry on “Putin congratulates Trump”"
    assert str(make_comment(article, author_name="")).startswith("Comment by Anonymous")


def test_may_says_which_transitions_apply_to_the_status():
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    assert [t for t in Comment.SOURCES if comment.may(t)] == [
        "approve",
        "mark_spam",
        "trash",
    ]
    assert not comment.may("delete_permanently")
    assert comment.approve() and not comment.may("approve")
