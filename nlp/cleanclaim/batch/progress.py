"""The batch progress bar: notes done, a real rate and an ETA from the first notes on.

The rate counts from the moment the first note started in a worker (not from the command's
start, so the workers' start-up does not drag it to 0), and it counts the notes finished inside
chunks still running, read from the supervisor's progress slots (not only whole chunks written).
"""

from __future__ import annotations

import time
from typing import Any


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class BatchProgress:
    """Callbacks for :func:`cleanclaim.batch.runner.run_batch` drawing a rich progress bar.

    Use as a context manager; pass :meth:`on_start`, :meth:`on_written` and :meth:`on_poll` to
    ``run_batch`` (``on_start=``, ``progress=``, ``on_poll=``).
    """

    def __init__(self, console: Any, enabled: bool = True) -> None:
        """Build the bar on ``console`` (stderr); ``enabled=False`` draws nothing."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.console = console
        self.bar = Progress(
            TextColumn("reviewing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} notes/s"),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
            disable=not enabled,
        )
        self.task = self.bar.add_task("batch", total=None, rate="-", eta=_clock(None))
        self.total: int | None = None
        self.resumed = 0  # rows already written by the interrupted run
        self.written = 0  # rows written by this run
        self.running = 0  # notes finished inside chunks still running
        self.first: float | None = None  # monotonic time the first note started

    def __enter__(self) -> BatchProgress:
        """Show the bar."""
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        """Hide the bar."""
        self.bar.__exit__(*exc)

    def on_start(self, total: int | None, done: int) -> None:
        """The run starts: ``total`` rows (None if unknown), ``done`` already written."""
        self.total, self.resumed = total, done
        if done:
            self.console.print(f"resuming after {done:,} rows already written")
        self._refresh()

    def on_written(self, n: int) -> None:
        """``n`` more rows were written."""
        self.written += n
        self.running = 0
        self._refresh()

    def on_poll(self, running: int, first_started: float | None) -> None:
        """Workers report ``running`` notes finished in unwritten chunks; the first note's start."""
        self.running = running
        if first_started is not None:
            self.first = first_started if self.first is None else min(self.first, first_started)
        self._refresh()

    def rate(self) -> float | None:
        """Notes per second since the first note started (None before any note finished)."""
        done = self.written + self.running
        if self.first is None or done <= 0:
            return None
        return done / max(time.monotonic() - self.first, 1e-6)

    def eta(self) -> float | None:
        """Seconds left at the current rate (None while unknown)."""
        rate = self.rate()
        if rate is None or self.total is None:
            return None
        left = self.total - self.resumed - self.written - self.running
        return max(left, 0) / rate

    def _refresh(self) -> None:
        rate = self.rate()
        self.bar.update(
            self.task,
            total=self.total,
            completed=self.resumed + self.written + self.running,
            rate="-" if rate is None else f"{rate:,.1f}",
            eta=_clock(self.eta()),
        )


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal: SIGINT (Ctrl-C) or SIGTERM."""

    def __init__(self, signum: int) -> None:
        """Remember which signal."""
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """128 + the signal number: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + self.signum


#: While > 0, :func:`signals_as_interrupts`' handler records a signal instead of raising.
_DEFER: dict[str, Any] = {"depth": 0, "pending": None}


class signals_deferred:  # noqa: N801  (used like a function: ``with signals_deferred():``)
    """Within the block, a SIGINT or SIGTERM caught by :class:`signals_as_interrupts` waits:
    :class:`Interrupted` is raised when the block ends (so a chunk's rows and the state file
    naming them are written together). Outside such a handler it changes nothing.

    Masking the signal (``pthread_sigmask``) is not enough: the kernel hands a process-directed
    signal to any thread that does not block it, and Python then runs the handler in the main
    thread anyway.
    """

    def __enter__(self) -> None:
        """Start deferring."""
        _DEFER["depth"] += 1

    def __exit__(self, *exc: Any) -> None:
        """Stop deferring; raise for a signal that came meanwhile."""
        _DEFER["depth"] -= 1
        pending = _DEFER["pending"]
        if _DEFER["depth"] == 0 and pending is not None:
            _DEFER["pending"] = None
            if exc[0] is None:
                raise Interrupted(pending)


class signals_as_interrupts:  # noqa: N801  (used like a function: ``with signals_as_interrupts():``)
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` in the main thread.

    The batch runner catches it like Ctrl-C: it writes the chunks that finished, stops the
    workers and leaves the partial output for ``--resume``. Handlers are restored on exit.
    """

    def __enter__(self) -> signals_as_interrupts:
        """Install the handlers."""
        import signal

        def handler(signum: int, _frame: Any) -> None:
            for sig in self.saved:  # a second signal must not break the clean-up
                signal.signal(sig, signal.SIG_IGN)
            if _DEFER["depth"] > 0:  # inside a write: raised when it is done
                _DEFER["pending"] = signum
                return
            raise Interrupted(signum)

        self.saved = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.saved[sig] = signal.signal(sig, handler)
        return self

    def __exit__(self, *exc: Any) -> None:
        """Restore the previous handlers."""
        import signal

        for sig, old in self.saved.items():
            signal.signal(sig, old)
