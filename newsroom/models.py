"""The one table of the infrastructure: what the page cache could not be told."""

from django.db import DatabaseError, models
from django.db.models import F


class PageCacheState(models.Model):
    """One row. Counts content changes whose page-cache invalidation could not reach
    the shared cache (a Redis outage or a network cut at that moment). The database
    outlives the process that made the change, so another process applies the bump
    once it reaches the cache (newsroom/pagecache.py)."""

    missed_bumps = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "page cache state"

    def __str__(self) -> str:
        return f"{self.missed_bumps} missed page-cache invalidations"

    @classmethod
    def record_missed_bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(missed_bumps=F("missed_bumps") + 1):
            cls.objects.get_or_create(pk=1, defaults={"missed_bumps": 1})

    @classmethod
    def missed(cls) -> int:
        """The count, read from the primary (a replica may lag behind it)."""
        try:
            row = (
                cls.objects.using("default")
                .filter(pk=1)
                .values_list("missed_bumps", flat=True)
            )
            return next(iter(row), 0)
        except DatabaseError:  # the cache may still serve while the database is away
            return 0
