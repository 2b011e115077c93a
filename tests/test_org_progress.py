"""The progress display of `roleui discover`: one live line on a terminal, rate-limited plain lines elsewhere."""

from __future__ import annotations

import io

from roleui.commands.discover import ProgressLine


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_progress_is_plain_lines_at_most_every_two_seconds_and_the_last_is_never_lost() -> None:
    out, ticks = io.StringIO(), Ticks()
    progress = ProgressLine(out, live=False, monotonic=ticks)
    progress("1 OUs walked")
    ticks.now = 0.5
    progress("2 OUs walked")  # too soon: held back
    ticks.now = 2.5
    progress("3 OUs walked")
    ticks.now = 3.0
    progress("4 OUs walked")
    progress.warn("could not list the accounts of OU Security")
    progress.close()
    assert out.getvalue() == (
        "roleui: 1 OUs walked\n"
        "roleui: 3 OUs walked\n"
        "roleui: could not list the accounts of OU Security\n"
        "roleui: 4 OUs walked\n"
    )


def test_on_a_terminal_one_line_is_redrawn_in_place_and_warnings_print_above_it() -> None:
    out, ticks = io.StringIO(), Ticks()
    progress = ProgressLine(out, live=True, monotonic=ticks)
    progress("1 OUs walked")
    ticks.now = 1.25
    progress("2 OUs walked")
    progress.warn("could not list the OUs under OU Prod")
    progress.close()
    assert out.getvalue() == (  # a stream without a UTF-8 encoding spins in ASCII
        "\r\x1b[2Kroleui: / 1 OUs walked [0.0 s]"
        "\r\x1b[2Kroleui: - 2 OUs walked [1.2 s]"
        "\r\x1b[2Kroleui: could not list the OUs under OU Prod\n"
        "\r\x1b[2Kroleui: - 2 OUs walked [1.2 s]"
        "\n"
    )


def test_a_stream_that_is_not_a_terminal_gets_plain_lines_by_default() -> None:
    assert ProgressLine(io.StringIO()).live is False


def test_closing_without_any_progress_writes_nothing() -> None:
    out = io.StringIO()
    ProgressLine(out, live=True).close()
    ProgressLine(out, live=False).close()
    assert out.getvalue() == ""
