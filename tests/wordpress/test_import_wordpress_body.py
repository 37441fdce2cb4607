"""WordPress post HTML → our story body and embedded quotes (wordpress/body.py)."""

from datetime import date

from wordpress.body import autop, convert_body


def test_classic_paragraphs_are_wrapped_and_single_breaks_kept():
    assert (
        autop("One.\nStill one.\n\nTwo.") == "<p>One.<br>\nStill one.</p>\n<p>Two.</p>"
    )


def test_block_level_html_is_not_wrapped_in_paragraphs():
    html = autop("Intro\n\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n\n<h2>Next</h2>\nText")
    assert (
        html
        == "<p>Intro</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<h2>Next</h2>\n<p>Text</p>"
    )


def test_preformatted_text_keeps_its_line_breaks():
    assert "<pre>a\n\nb</pre>" in autop("Code:\n\n<pre>a\n\nb</pre>")


def test_block_editor_content_is_not_given_extra_paragraphs():
    body = convert_body(
        '<!-- wp:paragraph -->\n<p class="x">One\ntwo</p>\n<!-- /wp:paragraph -->'
    )
    assert body.html == "<p>One\ntwo</p>"


def test_more_and_nextpage_markers_disappear():
    body = convert_body("Teaser<!--more-->\n\nRest<!--nextpage-->\n\nPage two")
    assert body.html == "<p>Teaser</p>\n<p>Rest</p>\n<p>Page two</p>"


def test_script_and_unsafe_links_are_removed():
    body = convert_body(
        '<p>Hi<script>alert(1)</script> <a href="javascript:alert(1)">x</a></p>'
    )
    assert "script" not in body.html and "javascript" not in body.html


def test_quotes_are_numbered_in_reading_order_whatever_their_kind():
    body = convert_body(
        "<!-- wp:embed "
        '{"url":"https://x.com/someone/status/1"} -->\n'
        '<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">'
        "https://x.com/someone/status/1</div></figure>\n<!-- /wp:embed -->\n"
        "<!-- wp:quote -->\n"
        '<blockquote class="wp-block-quote"><p>Later.</p><cite>B</cite></blockquote>'
        "\n<!-- /wp:quote -->"
    )
    assert [(q.number, q.kind) for q in body.quotes] == [(1, "tweet"), (2, "statement")]
    assert body.html == "<p>[quote 1]</p>\n<p>[quote 2]</p>"
    assert body.quotes[0].source_name == "X (@someone)"


def test_cite_with_a_link_gives_the_quote_its_source_url():
    body = convert_body(
        '<blockquote><p>Words.</p><cite><a href="https://example.org/speech">'
        "Jo Bloggs</a></cite></blockquote>"
    )
    quote = body.quotes[0]
    assert (quote.text, quote.speaker, quote.source_url) == (
        "Words.",
        "Jo Bloggs",
        "https://example.org/speech",
    )


def test_multi_paragraph_quote_keeps_its_paragraphs():
    body = convert_body(
        "<blockquote><p>First.</p><p>Second.</p><p>— Jo</p></blockquote>"
    )
    assert body.quotes[0].text == "First.\n\nSecond."
    assert body.quotes[0].speaker == "Jo"


def test_bare_tweet_url_on_its_own_line_becomes_a_tweet_quote():
    body = convert_body("Look:\n\nhttps://twitter.com/jack/status/20\n\nEnd.")
    assert body.html == "<p>Look:</p>\n<p>[quote 1]</p>\n<p>End.</p>"
    assert body.quotes[0].source_url == "https://twitter.com/jack/status/20"


def test_other_embeds_become_plain_links():
    body = convert_body(
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc"} -->\n'
        "<figure><div>https://www.youtube.com/watch?v=abc</div></figure>\n"
        "<!-- /wp:embed -->"
    )
    assert body.html == (
        '<p><a href="https://www.youtube.com/watch?v=abc" rel="noopener noreferrer">'
        "https://www.youtube.com/watch?v=abc</a></p>"
    )


def test_caption_shortcode_becomes_a_figure_with_caption():
    body = convert_body(
        '[caption id="attachment_5" width="300"]<img src="https://e.org/a.jpg" '
        'alt="A boat" width="300" height="200" /> A boat in the harbour[/caption]'
    )
    assert body.html.replace("\n", "") == (
        '<figure><img src="https://e.org/a.jpg" alt="A boat" width="300" height="200">'
        "<figcaption>A boat in the harbour</figcaption></figure>"
    )


def test_gallery_shortcode_is_removed_and_noted():
    body = convert_body('Photos:\n\n[gallery ids="1,2,3"]')
    assert body.html == "<p>Photos:</p>"
    assert body.notes == ["[gallery] shortcode removed"]


def test_nested_blockquote_belongs_to_its_outer_quote():
    body = convert_body(
        "<blockquote>Outer <blockquote>inner</blockquote> text\n— Someone</blockquote>"
    )
    assert len(body.quotes) == 1
    assert body.quotes[0].speaker == "Someone"
    assert body.html == "<p>[quote 1]</p>"


def test_tweet_whose_date_links_to_the_profile_keeps_its_handle_and_date():
    body = convert_body(
        '<blockquote class="twitter-tweet"><p lang="en">Chess is easier.</p>'
        "&mdash; Garry Kasparov (@Kasparov63) "
        '<a href="https://twitter.com/Kasparov63">November 9, 2016</a></blockquote>'
    )
    tweet = body.quotes[0]
    assert (tweet.kind, tweet.text, tweet.speaker) == (
        "tweet",
        "Chess is easier.",
        "Garry Kasparov",
    )
    assert tweet.source_name == "Twitter (@Kasparov63)"
    assert tweet.source_url == "https://twitter.com/Kasparov63"
    assert tweet.said_on == date(2016, 11, 9)


def test_pullquote_leaves_no_empty_figure_around_its_quote():
    body = convert_body(
        '<!-- wp:pullquote -->\n<figure class="wp-block-pullquote"><blockquote>'
        "<p>We will be back.</p><cite>Ada Okafor, Council leader</cite></blockquote>"
        "</figure>\n<!-- /wp:pullquote -->"
    )
    assert body.html == "<p>[quote 1]</p>"
    assert body.quotes[0].speaker == "Ada Okafor"


def test_cite_naming_a_source_and_a_date_is_not_a_person_and_a_role():
    body = convert_body(
        "<blockquote><p>Congratulations.</p>"
        "<cite>Kremlin press release, 9 November 2016</cite></blockquote>"
    )
    quote = body.quotes[0]
    assert quote.source_name == "Kremlin press release"
    assert quote.said_on == date(2016, 11, 9)
    assert quote.speaker_role == ""
    assert quote.speaker == "Kremlin"


def test_cite_naming_a_person_and_a_date_keeps_the_person():
    body = convert_body(
        "<blockquote><p>Words.</p><cite>Vladimir Putin, November 9, 2016</cite>"
        "</blockquote>"
    )
    quote = body.quotes[0]
    assert (quote.speaker, quote.speaker_role, quote.source_name) == (
        "Vladimir Putin",
        "",
        "",
    )
    assert quote.said_on == date(2016, 11, 9)
