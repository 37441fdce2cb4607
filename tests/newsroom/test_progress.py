"""Long commands show progress: redrawn in place on a terminal, a few lines in a log."""

import io

from django.core.management.base import OutputWrapper

from newsroom.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(stream, total=1000):
    bar = ProgressBar(OutputWrapper(stream), label="comments", enabled=True)
    for done in range(1, total + 1):
        bar.update(done, total)
    bar.finish()
    return stream.getvalue()


def test_a_log_gets_a_line_per_tenth_and_no_carriage_returns():
    written = run(io.StringIO())
    lines = written.splitlines()
    assert "\r" not in written
    assert len(lines) == 11  # as it starts, then at every tenth
    assert "1,000/1,000" in lines[-1]


def test_a_terminal_gets_one_line_redrawn_in_place():
    written = run(Terminal())
    assert written.count("\r") == 1000
    assert written.endswith("\n")
    assert written.rsplit("\r", 1)[-1].startswith("█" * 30)


def test_a_quiet_command_writes_nothing():
    stream = io.StringIO()
    bar = ProgressBar(OutputWrapper(stream), label="x", enabled=False)
    bar.update(5, 10)
    bar.finish()
    assert stream.getvalue() == ""


def test_a_coloured_terminal_line_still_ends_with_a_newline():
    # A command's stderr on a terminal is styled (red). Styling the final newline
    # put the colour's reset after it: the output (a terminal log, a pty in CI)
    # ended in an escape code, not a newline.
    stream = Terminal()
    wrapper = OutputWrapper(stream)
    wrapper.style_func = lambda text: f"\x1b[31;1m{text}\x1b[0m"
    bar = ProgressBar(wrapper, label="import", enabled=True)
    bar.update(7, 7)
    bar.finish()
    assert stream.getvalue().endswith("\n")
