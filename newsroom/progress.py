"""The progress bar of long management commands (generate_content, import_wordpress).

On a terminal: one line redrawn in place. Anywhere else (a log, CI, a pipe): a plain
line as it starts and at every tenth of the way, so logs are not filled with carriage returns.
"""

import time

WIDTH = 30


class ProgressBar:
    def __init__(self, stream, *, label: str, unit: str = "", enabled: bool = True):
        self.stream, self.label, self.unit = stream, label, unit
        self.enabled = enabled
        self.tty = enabled and stream.isatty()
        self.started = time.monotonic()
        self.last_tenth = -1
        self.shown = False

    def update(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        elapsed = time.monotonic() - self.started
        line = f"{self.label:<10} {done:>9,}/{total:,}{self.unit} {elapsed:6.1f}s"
        if self.tty:
            filled = WIDTH * done // total
            bar = "█" * filled + "·" * (WIDTH - filled)
            self.stream.write(f"\r{bar} {line}", ending="")
            self.stream.flush()
            self.shown = True
        elif (tenth := 10 * done // total) != self.last_tenth:
            self.last_tenth = tenth
            self.stream.write(line)

    def finish(self) -> float:
        """End the bar's line; the seconds since it started."""
        if self.shown:
            # Unstyled: a styled "\n" would end the output with a colour reset.
            self.stream.write("\n", ending="", style_func=lambda text: text)
        return time.monotonic() - self.started
