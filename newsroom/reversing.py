"""reverse(), remembered per process.

A story's page asks for some forty addresses, most of them the same few stories,
sections and authors more than once, and Django's reverse() costs ~25 µs each (its
resolver's tables are found by language through thread-locals, and every candidate
is matched against its pattern and quoted). An address depends only on the URLconf,
the script prefix, the language and the arguments, so it is kept under all four.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


@lru_cache(maxsize=20_000)
def _reverse(viewname, args, kwargs, urlconf, prefix, language) -> str:
    # reverse() reads the prefix and the language of this thread, the ones in
    # the key: the caller's.
    return reverse(viewname, urlconf=urlconf, args=args, kwargs=dict(kwargs))


def remembered_reverse(viewname: str, *args, **kwargs) -> str:
    """reverse(viewname, args=args, kwargs=kwargs), remembered."""
    return _reverse(
        viewname,
        args,
        tuple(kwargs.items()),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
