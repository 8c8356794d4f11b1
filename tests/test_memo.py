"""The dashboard's shared cache (ui.data.memo.Memo): one value per arguments, bounded, expiring, worked out once
however many threads ask, and no exception kept."""
import threading
import time

import pytest

from ui.data.memo import Memo


def counting(fn):
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return fn(*args, **kwargs)
    return counted, calls


def test_a_value_is_worked_out_once_per_arguments_and_the_same_object_is_handed_out():
    fn, calls = counting(lambda key, year: [key, year])
    memo = Memo(fn)
    first = memo("a", 2026)
    assert memo("a", 2026) is first
    assert memo("a", 2025) == ["a", 2025]
    assert calls == [("a", 2026), ("a", 2025)]


def test_keyword_arguments_are_part_of_the_key():
    fn, calls = counting(lambda key, lens="one year": (key, lens))
    memo = Memo(fn)
    assert memo("a", lens="three years") == ("a", "three years")
    assert memo("a", lens="three years") == ("a", "three years")
    assert memo("a") == ("a", "one year")
    assert len(calls) == 2


def test_the_least_recently_used_value_goes_when_the_cache_is_full():
    fn, calls = counting(lambda n: n * 10)
    memo = Memo(fn, max_entries=2)
    memo(1), memo(2), memo(1), memo(3)  # 2 is the least recently used when 3 arrives
    assert len(memo) == 2
    memo(1)
    memo(2)
    assert calls == [(1,), (2,), (3,), (2,)]


def test_a_value_is_worked_out_again_after_its_time_to_live():
    fn, calls = counting(lambda n: object())
    memo = Memo(fn, ttl=0.05)
    first = memo(1)
    assert memo(1) is first
    time.sleep(0.08)
    assert memo(1) is not first
    assert len(calls) == 2


def test_an_exception_is_passed_on_and_not_kept():
    outcomes = iter([ValueError("store busy"), "ready"])

    def flaky(key):
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    memo = Memo(flaky)
    with pytest.raises(ValueError, match="store busy"):
        memo("k")
    assert memo("k") == "ready"


def test_threads_asking_at_once_share_one_computation():
    started, release = threading.Event(), threading.Event()
    fn, calls = counting(lambda key: (started.set(), release.wait(5), object())[2])
    memo = Memo(fn)
    results = []
    threads = [threading.Thread(target=lambda: results.append(memo("year"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    started.wait(5)
    time.sleep(0.05)  # the other seven are waiting on the first
    release.set()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_work_runs_inside_the_given_context_only_when_a_value_is_worked_out():
    entered = []

    class Spinner:
        def __enter__(self):
            entered.append(True)

        def __exit__(self, *exc):
            return False
    memo = Memo(lambda n: n, while_computing=Spinner)
    memo(1), memo(1), memo(2)
    assert len(entered) == 2


def test_clear_forgets_every_value():
    fn, calls = counting(lambda n: n)
    memo = Memo(fn)
    memo(1)
    memo.clear()
    memo(1)
    assert len(calls) == 2
