"""Write a large synthetic WordPress export (WXR 1.2) for timing `import_wordpress`.

    python benchmarks/make_wxr.py /tmp/big.xml --posts 2000 --comments 20000
    python benchmarks/make_wxr.py /tmp/big.xml.gz            # gzipped
    python benchmarks/make_wxr.py /tmp/big.xml --media-dir /tmp/uploads --images 100

Posts alternate between block-editor and classic bodies (about 10 KB each) with a
cited quote, a "— Name" quote and, every fifth post, an embedded tweet; 20 authors,
12 categories, 300 tags, a featured-image attachment per post, and comments spread
over the posts in threads up to four deep in all four statuses, plus one pingback
per ten posts (not counted in --comments). Deterministic for a given --seed.
Standard library only, so it runs without Django.
"""

import argparse
import gzip
import random
import struct
import zlib
from datetime import datetime, timedelta
from pathlib import Path

WORDS = (
    "harbour council budget election minister bridge festival storm report market "
    "school hospital police river court union strike housing transport energy "
    "climate museum theatre football league mayor ferry fishermen tide lighthouse "
    "quay vote survey inquiry plan road rail airport crowd record decade history"
).split()
STATUSES = ["1"] * 14 + ["0"] * 3 + ["spam"] * 2 + ["trash"]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(3, 6)))


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def block_body(rng: random.Random, n: int) -> str:
    parts = []
    for i in range(8):
        parts.append(
            f"<!-- wp:paragraph -->\n<p>{paragraph(rng)}</p>\n<!-- /wp:paragraph -->"
        )
        if i == 2:
            parts.append(
                '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><p>'
                f"{sentence(rng)}</p><cite>Speaker {n % 50}, Council leader</cite>"
                "</blockquote>\n<!-- /wp:quote -->"
            )
        if i == 5 and n % 5 == 0:
            url = f"https://twitter.com/user{n % 40}/status/{10**17 + n}"
            parts.append(
                f'<!-- wp:embed {{"url":"{url}","type":"rich","providerNameSlug":"twitter"}} -->\n'
                '<figure class="wp-block-embed is-provider-twitter"><div class="wp-block-embed__wrapper">\n'
                f"{url}\n</div></figure>\n<!-- /wp:embed -->"
            )
    return "\n\n".join(parts)


def classic_body(rng: random.Random, n: int) -> str:
    parts = []
    for i in range(8):
        parts.append(paragraph(rng) + "\n" + sentence(rng))
        if i == 3:
            parts.append(
                f"<blockquote>{sentence(rng)}\n— Person {n % 70}, Witness</blockquote>"
            )
        if i == 6 and n % 5 == 0:
            parts.append(
                f'<blockquote class="twitter-tweet"><p lang="en">{sentence(rng, 10)}</p>'
                f"&mdash; Someone (@user{n % 40}) "
                f'<a href="https://twitter.com/user{n % 40}/status/{10**17 + n}">'
                "June 30, 2016</a></blockquote>"
            )
    return "\n\n".join(parts)


def comment_xml(rng, comment_id, parent, when, status, kind="comment") -> str:
    ip = f"203.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    return f"""		<wp:comment>
			<wp:comment_id>{comment_id}</wp:comment_id>
			<wp:comment_author>{cdata(f"Reader {comment_id % 997}")}</wp:comment_author>
			<wp:comment_author_email>{cdata(f"reader{comment_id}@example.org")}</wp:comment_author_email>
			<wp:comment_author_url>https://reader{comment_id % 97}.example.org/</wp:comment_author_url>
			<wp:comment_author_IP>{cdata(ip)}</wp:comment_author_IP>
			<wp:comment_date>{cdata(stamp)}</wp:comment_date>
			<wp:comment_date_gmt>{cdata(stamp)}</wp:comment_date_gmt>
			<wp:comment_content>{cdata(paragraph(rng) + f" (#{comment_id})")}</wp:comment_content>
			<wp:comment_approved>{cdata(status)}</wp:comment_approved>
			<wp:comment_type>{cdata(kind)}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
"""


def tiny_jpeg_png(path: Path, seed: int) -> None:
    """A small valid PNG (no Pillow needed): 64×48, one flat colour."""
    width, height = 64, 48
    colour = bytes([seed % 256, (seed * 7) % 256, (seed * 13) % 256])
    raw = b"".join(b"\x00" + colour * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_export(
    out, posts: int, comments: int, seed: int, media_dir, images: int
) -> None:
    rng = random.Random(seed)
    site = "https://big.example.com"
    out.write(f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Big Example</title>
	<link>{site}</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{site}</wp:base_site_url>
	<wp:base_blog_url>{site}</wp:base_blog_url>
""")
    for a in range(20):
        out.write(
            f"\t<wp:author><wp:author_id>{a + 1}</wp:author_id><wp:author_login>{cdata(f'author{a}')}"
            f"</wp:author_login><wp:author_display_name>{cdata(f'Author Number {a}')}"
            "</wp:author_display_name></wp:author>\n"
        )
    categories = [f"category-{c}" for c in range(12)]
    for c, nicename in enumerate(categories):
        out.write(
            f"\t<wp:category><wp:term_id>{c + 1}</wp:term_id><wp:category_nicename>{cdata(nicename)}"
            f"</wp:category_nicename><wp:cat_name>{cdata(f'Category {c}')}</wp:cat_name></wp:category>\n"
        )
    # Comments per post, summing exactly to `comments`.
    base, extra = divmod(comments, posts)
    comment_id = 1
    start = datetime(2015, 1, 1, 9, 0, 0)
    # UTC site: WordPress's local time equals GMT (run the import with TIME_ZONE=UTC).
    for n in range(1, posts + 1):
        post_id = 2 * n
        attachment_id = 2 * n + 1
        when = start + timedelta(hours=7 * n)
        stamp = when.strftime("%Y-%m-%d %H:%M:%S")
        slug = f"story-{n}-{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        body = block_body(rng, n) if n % 2 else classic_body(rng, n)
        tags = "".join(
            f'\t\t<category domain="post_tag" nicename="tag-{t}">{cdata(f"Tag {t}")}</category>\n'
            for t in rng.sample(range(300), 4)
        )
        cats = "".join(
            f'\t\t<category domain="category" nicename="{c}">{cdata(c.replace("-", " ").title())}</category>\n'
            for c in rng.sample(categories, 2)
        )
        comments_xml = []
        depth_of: dict[int, int] = {}
        for k in range(base + (1 if n <= extra else 0)):
            parent = 0
            if depth_of and k % 3:
                candidate = rng.choice(list(depth_of))
                if depth_of[candidate] < 4:
                    parent = candidate
            depth_of[comment_id] = depth_of.get(parent, 0) + 1
            minutes = timedelta(minutes=5 * (k + 1))
            comments_xml.append(
                comment_xml(
                    rng, comment_id, parent, when + minutes, rng.choice(STATUSES)
                )
            )
            comment_id += 1
        if n % 10 == 0:
            comments_xml.append(
                comment_xml(
                    rng, 10_000_000 + n, 0, when + timedelta(days=1), "1", "pingback"
                )
            )
        out.write(f"""	<item>
		<title>{cdata(sentence(rng, 8)[:-1])}</title>
		<link>{site}/{when:%Y/%m/%d}/{slug}/</link>
		<dc:creator>{cdata(f"author{n % 20}")}</dc:creator>
		<guid isPermaLink="false">{site}/?p={post_id}</guid>
		<description></description>
		<content:encoded>{cdata(body)}</content:encoded>
		<excerpt:encoded>{cdata(sentence(rng))}</excerpt:encoded>
		<wp:post_id>{post_id}</wp:post_id>
		<wp:post_date>{cdata(stamp)}</wp:post_date>
		<wp:post_date_gmt>{cdata(stamp)}</wp:post_date_gmt>
		<wp:comment_status>{cdata("open")}</wp:comment_status>
		<wp:post_name>{cdata(slug)}</wp:post_name>
		<wp:status>{cdata("publish")}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:post_type>{cdata("post")}</wp:post_type>
		<wp:post_password>{cdata("")}</wp:post_password>
{cats}{tags}		<wp:postmeta>
		<wp:meta_key>{cdata("_thumbnail_id")}</wp:meta_key>
		<wp:meta_value>{cdata(str(attachment_id))}</wp:meta_value>
		</wp:postmeta>
{"".join(comments_xml)}	</item>
""")
        image_path = f"{when:%Y/%m}/photo-{n}.png"
        out.write(f"""	<item>
		<title>{cdata(f"photo-{n}")}</title>
		<excerpt:encoded>{cdata(f"Caption for photo {n}")}</excerpt:encoded>
		<wp:post_id>{attachment_id}</wp:post_id>
		<wp:post_date>{cdata(stamp)}</wp:post_date>
		<wp:post_date_gmt>{cdata(stamp)}</wp:post_date_gmt>
		<wp:post_name>{cdata(f"photo-{n}")}</wp:post_name>
		<wp:status>{cdata("inherit")}</wp:status>
		<wp:post_parent>{post_id}</wp:post_parent>
		<wp:post_type>{cdata("attachment")}</wp:post_type>
		<wp:attachment_url>{cdata(f"{site}/wp-content/uploads/{image_path}")}</wp:attachment_url>
		<wp:postmeta>
		<wp:meta_key>{cdata("_wp_attachment_image_alt")}</wp:meta_key>
		<wp:meta_value>{cdata(f"Photo {n}")}</wp:meta_value>
		</wp:postmeta>
	</item>
""")
        if media_dir is not None and n <= images:
            target = media_dir / image_path
            target.parent.mkdir(parents=True, exist_ok=True)
            tiny_jpeg_png(target, n)
    out.write("</channel>\n</rss>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write (.xml or .xml.gz)")
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--media-dir", type=Path, help="also write image files here")
    parser.add_argument("--images", type=int, default=0, help="how many image files")
    args = parser.parse_args()
    opener = gzip.open if args.output.suffix == ".gz" else open
    with opener(args.output, "wt", encoding="utf-8") as out:
        write_export(
            out, args.posts, args.comments, args.seed, args.media_dir, args.images
        )
    print(f"{args.output}: {args.output.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
