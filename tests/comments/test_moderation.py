import pytest

from comments.models import Comment, DiscussionSettings
from comments.moderation import (
    FormSignals,
    link_count,
    normalise_for_matching,
    screen,
)
from tests.support.factories import make_article, make_comment
from tests.support.users import user_in_group

pytestmark = pytest.mark.django_db

S = Comment.Status


def new_comment(article=None, **fields):
    values = {
        "author_name": "Ann Reader",
        "author_email": "ann@example.com",
        "content": "Nice piece.",
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0",
    } | fields
    return Comment(article=article or make_article(), **values)


def rules(**overrides):
    return DiscussionSettings(**overrides)


def test_first_time_author_is_held():
    verdict = screen(new_comment(), rules())
    assert (verdict.status, verdict.reason) == (
        S.PENDING,
        "first comment from this author",
    )


def test_author_with_an_approved_comment_is_approved():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    verdict = screen(new_comment(article), rules())
    assert (verdict.status, verdict.reason) == (
        S.APPROVED,
        "author has an earlier approved comment",
    )


def test_known_author_is_recognised_whatever_the_capitals_of_the_address():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="Ann@Example.COM")
    verdict = screen(new_comment(article, author_email="ann@example.com"), rules())
    assert verdict.status == S.APPROVED


def test_a_moderator_correcting_an_address_changes_who_is_a_known_author():
    article = make_article()
    earlier = make_comment(
        article, author_name="Ann Reader", author_email="someone@example.com"
    )
    earlier.author_email = "ANN@example.com"
    earlier.save()
    verdict = screen(new_comment(article, author_email="ann@example.com"), rules())
    assert verdict.status == S.APPROVED


def test_same_email_under_another_name_is_not_a_known_author():
    article = make_article()
    make_comment(article, author_name="Someone Else", author_email="ann@example.com")
    assert screen(new_comment(article), rules()).status == S.PENDING


def test_an_earlier_pending_comment_does_not_make_a_known_author():
    article = make_article()
    make_comment(
        article,
        author_name="Ann Reader",
        author_email="ann@example.com",
        status=S.PENDING,
    )
    assert screen(new_comment(article), rules()).status == S.PENDING


def test_everyone_is_approved_when_the_known_author_rule_is_off():
    verdict = screen(new_comment(), rules(comment_previously_approved=False))
    assert (verdict.status, verdict.reason) == (S.APPROVED, "passed every check")


def test_manual_approval_holds_even_known_authors():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    verdict = screen(new_comment(article), rules(comment_moderation=True))
    assert (verdict.status, verdict.reason) == (
        S.PENDING,
        "every comment must be manually approved",
    )


def test_two_links_hold_a_comment_one_does_not():
    settings = rules(comment_previously_approved=False)
    one = new_comment(content='See <a href="https://a.example/">this</a>.')
    two = new_comment(content="https://a.example/ and http://b.example/")
    assert screen(one, settings).status == S.APPROVED
    verdict = screen(two, settings)
    assert (verdict.status, verdict.reason) == (
        S.PENDING,
        "contains 2 links (the limit is 2)",
    )


def test_link_limit_zero_switches_the_rule_off():
    comment = new_comment(content="http://a.example http://b.example http://c.example")
    settings = rules(comment_previously_approved=False, comment_max_links=0)
    assert screen(comment, settings).status == S.APPROVED


def test_link_count_counts_like_wordpress():
    assert link_count('<a href="http://x">x</a> //cdn.example https://y') == 3
    assert link_count("no links here") == 0


@pytest.mark.parametrize(
    "field",
    [
        "content",
        "author_name",
        "author_email",
        "author_url",
        "ip_address",
        "user_agent",
    ],
)
def test_moderation_words_hold_from_every_field(field):
    values = {
        "content": "buy cheap pills",
        "author_name": "Cheap Pills",
        "author_email": "cheappills@example.com",
        "author_url": "https://cheappills.example/",
        "ip_address": "203.0.113.66",
        "user_agent": "CheapPillsBot/1.0",
    }
    word = "203.0.113.66" if field == "ip_address" else "cheap"
    settings = rules(comment_previously_approved=False, moderation_keys=f"\n {word} \n")
    verdict = screen(new_comment(**{field: values[field]}), settings)
    assert verdict.status == S.PENDING
    assert verdict.reason == f"contains moderation words: {word.casefold()}"


def test_disallowed_words_send_the_comment_to_the_trash():
    settings = rules(disallowed_keys="casino")
    verdict = screen(new_comment(content="Best CASINO bonus"), settings)
    assert (verdict.status, verdict.reason) == (
        S.TRASH,
        "contains disallowed words: casino",
    )


@pytest.mark.parametrize(
    "disguised",
    [
        "cas\u200bino",  # zero-width space
        "c\u0430sino",  # Cyrillic а
        "саsino",  # Cyrillic с and а
        "ｃａｓｉｎｏ",  # fullwidth
        "casíno",  # accent
        "CAS\u00adINO",  # soft hyphen
        "cas\u2060ino",  # word joiner
    ],
)
def test_word_lists_see_through_zero_width_and_look_alike_letters(disguised):
    verdict = screen(
        new_comment(content=f"Try {disguised} now"), rules(disallowed_keys="casino")
    )
    assert verdict.status == S.TRASH


def test_word_lists_in_other_scripts_still_match_themselves():
    settings = rules(comment_previously_approved=False, moderation_keys="дурак")
    assert screen(new_comment(content="Ты ДУРАК"), settings).status == S.PENDING
    assert normalise_for_matching("Straße") == "strasse"


def test_disallowed_words_win_over_a_known_author():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    verdict = screen(
        new_comment(article, content="casino"), rules(disallowed_keys="casino")
    )
    assert verdict.status == S.TRASH


def test_honeypot_is_spam_before_anything_else():
    verdict = screen(new_comment(), rules(), signals=FormSignals(honeypot_filled=True))
    assert (verdict.status, verdict.reason) == (
        S.SPAM,
        "filled in the hidden honeypot field",
    )


def test_too_fast_is_held_and_says_how_fast():
    article = make_article()
    make_comment(article, author_name="Ann Reader", author_email="ann@example.com")
    verdict = screen(
        new_comment(article), rules(), signals=FormSignals(seconds_to_submit=1.2)
    )
    assert verdict.status == S.PENDING
    assert verdict.reason == "sent 1.2 s after the page was served (faster than 3 s)"


def test_moderator_is_approved_directly(django_user_model):
    moderator = user_in_group(django_user_model, "mod", "Moderator")
    verdict = screen(
        new_comment(content="http://a http://b casino"),
        rules(comment_moderation=True),
        user=moderator,
    )
    assert (verdict.status, verdict.reason) == (S.APPROVED, "posted by a moderator")


def test_logged_in_reader_without_moderation_rights_is_screened(django_user_model):
    reader = django_user_model.objects.create_user("r", "r@example.com", "pw")
    assert screen(new_comment(), rules(), user=reader).status == S.PENDING


def test_discussion_settings_default_to_wordpress():
    settings = DiscussionSettings.load()
    assert settings.comments_open_by_default is True
    assert settings.require_name_email is True
    assert settings.close_comments_for_old_articles is False
    assert settings.close_comments_days_old == 14
    assert settings.thread_comments_depth == 5
    assert settings.comment_moderation is False
    assert settings.comment_previously_approved is True
    assert settings.comment_max_links == 2
    assert settings.notify_on_post and settings.notify_on_hold


def test_discussion_settings_are_a_cached_singleton(django_assert_num_queries):
    DiscussionSettings.objects.create(comment_max_links=7)
    with django_assert_num_queries(1):
        assert DiscussionSettings.load().comment_max_links == 7
    with django_assert_num_queries(0):
        assert DiscussionSettings.load().comment_max_links == 7
    second = DiscussionSettings(comment_max_links=3)
    second.save()  # saving anything edits the one row
    assert DiscussionSettings.objects.count() == 1
    assert DiscussionSettings.load().comment_max_links == 3
