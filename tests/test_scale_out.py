"""Several dashboard processes over one store behind nginx (deploy/nginx.conf), with real Streamlit
sessions as the load test drives them: every page view ends without an error, sessions spread over both
processes, and an import lands for all of them."""
import asyncio
import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # a real server stack (nginx from Debian, two Streamlit processes)


@pytest.fixture(scope="module")
def stack(small_demo_path, tmp_path_factory):
    if not shutil.which("nginx") and not __import__("os").path.exists("/usr/sbin/nginx"):
        pytest.skip("Debian's nginx is not installed (.ci/run installs it)")
    from ui.bench_servers import Servers

    db = tmp_path_factory.mktemp("scale") / "store.duckdb"
    shutil.copy(small_demo_path, db)
    servers = Servers(db, processes=2)
    yield servers, db
    servers.stop()


def test_sessions_through_nginx_spread_over_both_processes_without_errors(stack):
    from ui.bench_servers import ProcessWatch
    from ui.bench_sessions import SCENARIO, crowd, visitor_schools, visits

    servers, db = stack
    watch = ProcessWatch(servers.pids)
    before = watch._cpu_by_pid()
    schools, latest = visitor_schools(db)
    chosen = visits(schools, latest, 8, seed=3)
    views = asyncio.run(crowd(servers.url, chosen, seed=3, pause=0.2))
    after = watch._cpu_by_pid()
    watch.stop()
    assert len(views.seconds) == 8 * 5 == 8 * len(SCENARIO) and views.errors == 0
    assert {phase for _, phase, _ in views.records} <= {"primary", "secondary"}
    assert [name for name, _, _ in views.records].count("value_added, pupils opened") == 8  # the section was there to open
    assert all(after[pid] - before[pid] > 0.2 for pid in servers.pids)  # both processes served pages


def test_each_process_serves_with_at_most_two_malloc_arenas(stack):
    """ui.serve starts again with MALLOC_ARENA_MAX=2 (glibc reads it only at start): the same process, the
    setting in its environment."""
    servers, _ = stack
    for pid in servers.pids:
        environment = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        assert b"MALLOC_ARENA_MAX=2" in environment


def test_each_process_serves_on_uvloops_event_loop(stack):
    """requirements.txt installs uvloop, which Streamlit then serves on (1-2 ms less CPU per page view, measured
    side by side: docs/performance.md): its compiled loop is loaded in every serving process."""
    servers, _ = stack
    for pid in servers.pids:
        assert "uvloop/loop." in open(f"/proc/{pid}/maps").read()
