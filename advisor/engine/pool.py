"""Worker processes for a batch that survives its worst profile, and that ends with its parent.

A batch's process pool (``concurrent.futures`` loses every result when one worker dies, and
cannot stop a worker that hangs) is this one:

* Each worker is a process of its own with a pipe to the parent. It gets a chunk of tasks at a
  time and sends back the outcome of each task as soon as it has it, so the parent always knows
  which task a worker is on, and since when.
* A worker that dies (the inference engine is C code: a crash there is a signal, not an
  exception) or that spends longer than the time limit on one task is killed and replaced. The
  task it was on becomes an outcome that says why (``make_failure``); the rest of its chunk goes
  to the next free worker. The batch goes on.
* Workers end when the parent ends, however it ends (``kill -9`` included): on Linux the kernel
  kills them (``PR_SET_PDEATHSIG``), elsewhere a thread in each worker watches the parent. They
  ignore Ctrl-C, which the terminal sends to the whole process group: the parent decides, and
  stops them.
* Outcomes come back in the order of the tasks, whichever worker finished first.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
import threading
import time
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence

from ..core.errors import EngineError

__all__ = ["WorkerPool", "DEFAULT_TIME_LIMIT"]

#: Seconds one task (one profile with every pack) may take in a worker before the worker is killed.
DEFAULT_TIME_LIMIT = 60.0
#: How often a worker's watchdog thread checks that its parent still runs, in seconds.
_WATCH_INTERVAL = 1.0
_PR_SET_PDEATHSIG = 1
#: Seconds a worker may take to start (import advisor, read the packs) before it is replaced.
_START_LIMIT = 30.0

Task = tuple[int, Any]


def _die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` does."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)  # libc is loaded; find_library would run ldconfig
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:  # for systems without PR_SET_PDEATHSIG
        while True:
            time.sleep(_WATCH_INTERVAL)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="advisor-parent-watch", daemon=True).start()


def _worker_main(conn: Any, parent: int) -> None:
    """A worker: read what to run, then take chunks of tasks until told to stop (``None``) or the
    pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    try:
        function, initializer, initargs = conn.recv()
    except (EOFError, OSError):
        return
    initializer(*initargs)
    conn.send(("ready", None))
    while True:
        try:
            chunk = conn.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for task in chunk:
            conn.send(("done", function(task)))


class _Worker:
    def __init__(self, context: Any, setup: tuple[Any, ...]) -> None:
        self.conn, child = context.Pipe(duplex=True)
        # What to run goes through the pipe, not as the process's arguments: a child that dies
        # while it starts would otherwise leave the parent blocked in writing them (the packs are
        # larger than a pipe's buffer); through the pipe the write fails instead.
        self.process = context.Process(
            target=_worker_main, args=(child, os.getpid()), daemon=True, name="advisor-batch-worker"
        )
        self.process.start()
        child.close()
        self.ready = False
        self.started = time.monotonic()
        with contextlib.suppress(OSError):  # it died already: its sentinel says so
            self.conn.send(setup)
        self.tasks: collections.deque[Task] = collections.deque()  # assigned, not yet done
        self.since = 0.0  # when the task at the head of ``tasks`` started

    @property
    def busy(self) -> bool:
        return bool(self.tasks)

    def assign(self, chunk: list[Task]) -> None:
        self.tasks.extend(chunk)
        self.since = time.monotonic()
        self.conn.send(chunk)

    def stop(self) -> None:
        """End the worker at once (it holds nothing worth saving) and wait for it."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


def _signal_name(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return signal.Signals(-exitcode).name
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit code {exitcode}"


class WorkerPool:
    """``count`` worker processes that run ``function(task)`` for each task, ``initializer(*initargs)``
    once in each; use it as a context manager (leaving it stops the workers)."""

    def __init__(
        self,
        count: int,
        function: Callable[[Task], Any],
        initializer: Callable[..., None],
        initargs: Sequence[Any],
        *,
        time_limit: Optional[float] = DEFAULT_TIME_LIMIT,
        make_failure: Callable[[int, str], Any],
    ) -> None:
        # spawn: a worker is a child of this process (not of a fork server), so that it can end
        # when this process ends; nothing of the parent's state (threads, locks) is copied.
        import multiprocessing  # here: a batch that runs in this process starts no pool (issue 15)

        self._context = multiprocessing.get_context("spawn")
        self._setup = (function, initializer, tuple(initargs))
        self._count = count
        self._time_limit = time_limit if time_limit and time_limit > 0 else None
        self._make_failure = make_failure
        self._workers: list[_Worker] = []
        self._start_failures = 0

    def __enter__(self) -> "WorkerPool":
        self._workers = [self._start() for _ in range(self._count)]
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _start(self) -> _Worker:
        return _Worker(self._context, self._setup)

    def _replace(self, worker: _Worker) -> None:
        worker.stop()
        self._workers[self._workers.index(worker)] = self._start()

    def run(self, chunks: Iterable[list[Task]], window: int) -> Iterator[Any]:
        """The outcome of every task, in the order of the tasks; at most ``window`` chunks are
        read and not yet given back at a time (so memory does not grow with the tasks)."""
        source = iter(chunks)
        exhausted = False
        queue: collections.deque[list[Task]] = collections.deque()  # chunks not yet assigned
        order: collections.deque[int] = collections.deque()  # task indexes, in the order given
        ends: collections.deque[int] = collections.deque()  # the last index of each chunk read
        done: dict[int, Any] = {}
        while True:
            while not exhausted and len(ends) < window:
                chunk = next(source, None)
                if chunk is None:
                    exhausted = True
                    break
                if chunk:
                    order.extend(index for index, _ in chunk)
                    ends.append(chunk[-1][0])
                    queue.append(chunk)
            for worker in self._workers:
                if queue and worker.ready and not worker.busy:
                    worker.assign(queue.popleft())
            given = False
            while order and order[0] in done:
                index = order.popleft()
                if ends and ends[0] == index:
                    ends.popleft()
                given = True
                yield done.pop(index)
            if exhausted and not order:
                return
            if not given:
                # Wait only when nothing was given back: giving back frees room in the window, and
                # waiting then, with every task given back, nothing under way and the next chunks
                # not yet read, would wait for ever (a batch that hung now and then).
                self._wait(queue, done)

    def _wait(self, queue: collections.deque[list[Task]], done: dict[int, Any]) -> None:
        now = time.monotonic()
        ends = [w.started + _START_LIMIT for w in self._workers if not w.ready]
        if self._time_limit is not None:
            ends += [w.since + self._time_limit for w in self._workers if w.busy]
        timeout = max(0.0, min(ends) - now) if ends else None
        waiting = {w.conn: w for w in self._workers}
        waiting.update({w.process.sentinel: w for w in self._workers})
        from multiprocessing.connection import wait

        for ready in wait(list(waiting), timeout):
            worker = waiting[ready]
            if worker not in self._workers:
                continue  # replaced already (its pipe and its sentinel were both ready)
            if not isinstance(ready, int):  # its pipe (a sentinel is a file descriptor)
                try:
                    while worker.conn.poll():
                        kind, outcome = worker.conn.recv()
                        if kind == "ready":
                            worker.ready = True
                        else:
                            done[worker.tasks.popleft()[0]] = outcome
                            worker.since = time.monotonic()
                    continue
                except (EOFError, OSError):
                    pass  # it died: below
            worker.process.join(5)
            self._fail(
                worker,
                queue,
                done,
                f"the worker process assessing it ended ({_signal_name(worker.process.exitcode)}), as when the inference engine crashes",
            )
        now = time.monotonic()
        for worker in list(self._workers):
            if not worker.ready and now - worker.started > _START_LIMIT:
                self._fail(worker, queue, done, f"did not start within {_START_LIMIT:g} s")
        if self._time_limit is not None:
            now = time.monotonic()
            for worker in list(self._workers):
                if worker.busy and now - worker.since > self._time_limit:
                    self._fail(worker, queue, done, f"took longer than the time limit of {self._time_limit:g} s")

    def _fail(self, worker: _Worker, queue: collections.deque[list[Task]], done: dict[int, Any], reason: str) -> None:
        """``worker``'s current task failed for ``reason``: record it, requeue the rest, replace it."""
        if not worker.ready:
            self._start_failures += 1
            if self._start_failures > 3:
                raise EngineError(
                    f"worker processes cannot start ({_signal_name(worker.process.exitcode)})",
                    hint='a script that runs a batch in worker processes must do so under `if __name__ == "__main__":`; otherwise this is a bug, please report it',
                )
        if worker.tasks:
            index, _ = worker.tasks.popleft()
            done[index] = self._make_failure(index, reason)
            if worker.tasks:
                queue.appendleft(list(worker.tasks))
            worker.tasks.clear()
        self._replace(worker)
