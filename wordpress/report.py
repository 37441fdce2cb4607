"""The import's report: per row (stories, comments, tags, …) what was created,
updated, left unchanged, skipped or removed, with the reasons and a few examples."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

ROWS = ("stories", "quotes", "comments", "tags", "sections", "bylines", "images")
EXAMPLES_PER_REASON = 5


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0  # deleted on WordPress: unpublished or trashed here


class ItemLog:
    """Counts for one post, merged into the report only if its transaction commits."""

    def __init__(self):
        self.events: list[tuple[str, tuple]] = []

    def add(self, row, outcome, n=1, key=None):
        self.events.append(("add", (row, outcome, n, key)))

    def skip(self, row, reason, example="", n=1):
        self.events.append(("skip", (row, reason, example, n)))

    def remove(self, row, reason, example="", n=1):
        self.events.append(("remove", (row, reason, example, n)))

    def note(self, text, example=""):
        self.events.append(("note", (text, example)))


@dataclass
class Report:
    """What the import did (or, in a dry run, would do), row by row."""

    source: str = ""
    dry_run: bool = False
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {r: Tally() for r in ROWS}
    )
    skips: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    skip_counts: Counter = field(default_factory=Counter)
    removals: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    removal_counts: Counter = field(default_factory=Counter)
    site_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    note_examples: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    other_items: Counter = field(default_factory=Counter)
    # (row, key) of the sections, tags and bylines counted so far: each once.
    counted: set[tuple[str, str]] = field(default_factory=set)

    def add(self, row: str, outcome: str, n: int = 1) -> None:
        setattr(self.tallies[row], outcome, getattr(self.tallies[row], outcome) + n)

    def skip(self, row: str, reason: str, example: str = "", n: int = 1) -> None:
        self.add(row, "skipped", n)
        self.skip_counts[(row, reason)] += n
        if example and len(self.skips[(row, reason)]) < EXAMPLES_PER_REASON:
            self.skips[(row, reason)].append(example)

    def note(self, text: str, example: str = "") -> None:
        self.notes[text] += 1
        if example and len(self.note_examples[text]) < EXAMPLES_PER_REASON:
            self.note_examples[text].append(example)

    def remove(self, row: str, reason: str, example: str = "", n: int = 1) -> None:
        self.add(row, "removed", n)
        self.removal_counts[(row, reason)] += n
        if example and len(self.removals[(row, reason)]) < EXAMPLES_PER_REASON:
            self.removals[(row, reason)].append(example)

    def merge(self, log: ItemLog) -> None:
        """Count what one post did, once its transaction has committed."""
        for kind, args in log.events:
            if kind == "add":
                row, outcome, n, key = args
                if key is not None:
                    if (row, key) in self.counted:
                        continue
                    self.counted.add((row, key))
                self.add(row, outcome, n)
            elif kind == "skip":
                self.skip(*args[:3], n=args[3])
            elif kind == "remove":
                self.remove(*args[:3], n=args[3])
            else:
                self.note(*args)

    def lines(self) -> list[str]:
        heading = f"WordPress import of {self.source}"
        if self.dry_run:
            heading += (
                " — DRY RUN: nothing was written; the counts say what would happen"
            )
        lines = [heading, *self.site_lines, ""]
        lines.append(
            f"{'':10}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}"
            f"{'removed':>9}"
        )
        for row in ROWS:
            t = self.tallies[row]
            lines.append(
                f"{row:10}{t.created:>9}{t.updated:>9}{t.unchanged:>11}{t.skipped:>9}"
                f"{t.removed:>9}"
            )
        for title, counts, examples in (
            ("Skipped:", self.skip_counts, self.skips),
            ("Removed (deleted on WordPress):", self.removal_counts, self.removals),
        ):
            if counts:
                lines += ["", title]
                lines += _reason_lines(counts, examples)
        if self.other_items:
            kinds = ", ".join(
                f"{n} {kind}" for kind, n in sorted(self.other_items.items())
            )
            lines += ["", f"Not stories, not imported: {kinds}."]
        if self.notes:
            lines += ["", "Notes:"]
            for note, n in sorted(self.notes.items()):
                shown = self.note_examples.get(note) or []
                more = f": {', '.join(shown)}" if shown else ""
                if shown and n > len(shown):
                    more += ", …"
                lines.append(f"  {note} ({n}){more}")
        if self.warnings:
            lines += ["", "Warnings:"]
            lines += [f"  {warning}" for warning in self.warnings]
        return lines


def _reason_lines(counts: Counter, examples: dict) -> list[str]:
    lines = []
    for (row, reason), count in sorted(counts.items()):
        shown = examples.get((row, reason)) or []
        more = f": {', '.join(shown)}" if shown else ""
        if shown and count > len(shown):
            more += ", …"
        lines.append(f"  {row} — {reason} ({count}){more}")
    return lines


def describe_error(exc: Exception) -> str:
    """An error as one short line of the report."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
