"""The batch's worker pool gives back every outcome in order, whatever the window and the timing."""

import threading

from advisor.engine.pool import WorkerPool


def _square(task):
    index, value = task
    return index, value * value


def _nothing(*args):
    pass


def _failure(index, reason):
    return index, reason


def _run(window, chunks):
    outcomes = []

    def target():
        with WorkerPool(1, _square, _nothing, (), make_failure=_failure) as pool:
            outcomes.extend(pool.run(iter(chunks), window))

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the pool waited with nothing under way (hung)"
    return outcomes


def test_a_full_window_given_back_reads_on_instead_of_waiting():
    # A window of one chunk: each outcome given back empties the window; the pool must read the
    # next chunk then, not wait for a worker that has nothing to do (it hung there).
    chunks = [[(i, i)] for i in range(5)]
    assert _run(1, chunks) == [(i, i * i) for i in range(5)]


def test_outcomes_come_in_task_order_with_chunks_of_several():
    chunks = [[(i, i) for i in range(start, start + 3)] for start in range(0, 12, 3)]
    assert _run(2, chunks) == [(i, i * i) for i in range(12)]
