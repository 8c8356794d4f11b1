"""Who sees what, in a real browser: sign-in through a local OpenID Connect provider, each role's pupil-level
data, imports for admins only, and nothing identifying another school (or its pupils) in what reaches the
browser: every websocket frame and every download is read."""
import http.server
import re
import shutil
import subprocess
import sys
import threading

import pytest

from benchmarking import audit
from benchmarking.store import open_store
from benchmarking.users import add_user
from benchmarking.writer import writing
from tests.conftest import Dashboard, free_port, open_sections, wait_for_app, wait_until_up

pytestmark = pytest.mark.browser
PAGES = ["", "similar_schools", "value_added", "la_overview", "club_meeting", "data", "methodology", "users"]


class Pixel(http.server.BaseHTTPRequestHandler):
    """A local image server that counts every request (none may come)."""
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 (the http.server API)
        Pixel.requests.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def pixel():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def access_db(small_demo_path, tmp_path_factory, pixel) -> dict:
    """The small demo store with three users, and two schools whose names try to make the browser fetch an image."""
    db = tmp_path_factory.mktemp("access") / "store.duckdb"
    shutil.copy(small_demo_path, db)
    with open_store(db) as store:
        secondaries = store.query("SELECT urn, la_code FROM schools WHERE phase = 'secondary' ORDER BY la_code, urn")
    home_la = int(secondaries["la_code"].iloc[0])
    in_la = secondaries[secondaries["la_code"] == home_la]["urn"].astype(int).tolist()
    elsewhere = secondaries[secondaries["la_code"] != home_la]["urn"].astype(int).tolist()
    mine, neighbour, far = in_la[0], in_la[1], elsewhere[0]
    with writing(db) as store:
        add_user(store, "head@school.example", "school", urns=[mine])
        add_user(store, "adviser@la.example", "adviser", las=[home_la])
        add_user(store, "admin@la.example", "admin")
        store.upsert_schools(__import__("pandas").DataFrame({
            "urn": [elsewhere[1], elsewhere[2]],
            "name": [f"![pixel]({pixel}/markdown.png) Academy", f'<img src="{pixel}/html.png"> School']}))
    return {"path": db, "mine": mine, "neighbour": neighbour, "far": far, "la": home_la,
            "markdown": elsewhere[1], "html": elsewhere[2]}


@pytest.fixture(scope="module")
def oidc():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wait_until_up(f"http://localhost:{port}/.well-known/openid-configuration", process, "the OpenID Connect provider")
    yield f"http://localhost:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def signed_in_server(access_db, oidc, tmp_path_factory):
    port = free_port()
    secrets = tmp_path_factory.mktemp("secrets") / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a-long-random-secret-used-by-the-tests-only"
client_id = "school-benchmarking-club"
client_secret = "test-secret"
server_metadata_url = "{oidc}/.well-known/openid-configuration"
""")
    dashboard = Dashboard(access_db["path"], secrets=secrets, port=port, host="localhost")
    yield dashboard.url
    dashboard.stop()


def sign_in(browser, server: str, email: str):
    """A new browser context (a clean user) signed in as `email` through the provider's form."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    page.goto(server)
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{server}/**", timeout=30_000)
    wait_for_app(page)
    assert f"Signed in as {email}" in page.inner_text("body")
    return context, page


class Recorder:
    """Every websocket frame a page receives, as bytes."""

    def __init__(self, page):
        self.frames: list[bytes] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._keep))

    def _keep(self, payload):
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def text(self) -> str:
        return b"\n".join(self.frames).decode("latin-1")


def visit(page, server: str, slug: str, query: str) -> None:
    page.goto(f"{server}/{slug}?{query}")
    wait_for_app(page)


def downloads(page) -> list[str]:
    """The text of every CSV the page offers for download."""
    texts = []
    for button in page.get_by_role("button", name="Download CSV").all():  # one straight after another
        with page.expect_download(timeout=20_000) as done:
            button.click()
        texts.append(open(done.value.path(), encoding="utf-8-sig").read())
    return texts


def pupil_ids(db, urn) -> list[str]:
    with open_store(db) as store:
        return store.query("SELECT pupil_id FROM pupils WHERE urn = ? AND year = 2024", [urn])["pupil_id"].tolist()


def test_a_school_user_sees_their_own_pupils_and_no_other_schools_pupils_by_any_route(signed_in_server, browser, access_db):
    context, page = sign_in(browser, signed_in_server, "head@school.example")
    recorder = Recorder(page)
    visit(page, signed_in_server, "value_added", f"urn={access_db['mine']}&year=2024")
    assert not any(i in recorder.text() for i in pupil_ids(access_db["path"], access_db["mine"]))  # not till opened
    open_sections(page)
    assert page.get_by_text("Each pupil: expected against actual").count() >= 1
    own_ids = pupil_ids(access_db["path"], access_db["mine"])
    assert any(i in recorder.text() for i in own_ids)  # their own pupils do reach their browser
    recorded = lambda: [e for e in audit.entries(access_db["path"]).to_dict("records")  # noqa: E731
                        if e["action"] == "downloaded pupil groups" and e["urn"] == access_db["mine"]]
    before = len(recorded())
    files = downloads(page)  # every file, one straight after another
    assert "Same group nationally" in files[0] and len(files) >= 2  # another download straight after it
    assert len(recorded()) == before + 1 and recorded()[0]["email"] == "head@school.example"  # the one download
    recorder.frames.clear()
    for slug in PAGES[:-1]:  # every page, by deep link, for a school of the same LA
        visit(page, signed_in_server, slug, f"urn={access_db['neighbour']}&year=2024")
    visit(page, signed_in_server, "value_added", f"urn={access_db['neighbour']}&year=2024")
    open_sections(page)
    assert "outside what your account covers" in page.inner_text("body")
    sent = recorder.text() + "".join(downloads(page))
    assert [i for i in pupil_ids(access_db["path"], access_db["neighbour"]) if i in sent] == []
    visit(page, signed_in_server, "data", "")
    assert page.get_by_text("Only an admin imports files.").count() == 1
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Users", exact=True).count() == 0
    context.close()


def test_an_adviser_sees_the_pupils_of_their_las_schools_only(signed_in_server, browser, access_db):
    context, page = sign_in(browser, signed_in_server, "adviser@la.example")
    recorder = Recorder(page)
    visit(page, signed_in_server, "value_added", f"urn={access_db['neighbour']}&year=2024")
    open_sections(page)
    assert page.get_by_text("Each pupil: expected against actual").count() >= 1
    recorder.frames.clear()
    visit(page, signed_in_server, "value_added", f"urn={access_db['far']}&year=2024")
    open_sections(page)
    assert "outside what your account covers" in page.inner_text("body")
    assert [i for i in pupil_ids(access_db["path"], access_db["far"]) if i in recorder.text()] == []
    visit(page, signed_in_server, "data", "")
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
    context.close()


def test_only_an_admin_imports_and_sees_the_audit_log_of_pupil_views(signed_in_server, browser, access_db):
    context, page = sign_in(browser, signed_in_server, "admin@la.example")
    visit(page, signed_in_server, "data", "")
    assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 2
    assert page.locator('[data-testid="stSidebarNav"]').get_by_text("Users", exact=True).count() == 1
    log = page.locator('[data-testid="stDataFrame"]').last.inner_text()
    assert "head@school.example" in log or "head@school.example" in "".join(downloads(page))
    context.close()


def test_a_stranger_signed_in_sees_published_figures_only(signed_in_server, browser, access_db):
    context, page = sign_in(browser, signed_in_server, "stranger@elsewhere.example")
    visit(page, signed_in_server, "value_added", f"urn={access_db['mine']}&year=2024")
    open_sections(page)
    assert "is not a user of this dashboard, so sees published school-level figures only" in page.inner_text("body")
    assert page.get_by_text("Progress 8", exact=False).count() >= 1
    context.close()


@pytest.fixture(scope="module")
def demo_server(access_db):
    dashboard = Dashboard(access_db["path"])
    yield dashboard.url
    dashboard.stop()


def test_nothing_identifying_another_school_reaches_the_browser_when_anonymised(demo_server, browser, access_db):
    host = access_db["mine"]
    with open_store(access_db["path"]) as store:
        schools = store.query("SELECT urn, name FROM schools")
    host_name = schools.loc[schools["urn"] == host, "name"].iloc[0]
    others = schools[schools["urn"] != host]
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    recorder = Recorder(page)
    files = []
    audit.record(access_db["path"], "head@school.example", "viewed pupils", access_db["neighbour"], 2024)
    for slug in PAGES:
        visit(page, demo_server, slug, f"urn={host}&year=2024&anonymise=1")
        open_sections(page)  # what each section of detail sends once opened, too
        assert page.locator('[data-testid="stException"]').count() == 0, slug
        if slug == "club_meeting":  # every slide of the deck, with the keyboard
            for _ in range(8):
                page.keyboard.press("ArrowRight")
                page.wait_for_timeout(700)
                wait_for_app(page)
                files += downloads(page)
        files += downloads(page)
    sent = recorder.text() + "\n".join(files)
    leaked_names = [n for n in others["name"] if n in sent and n not in host_name]
    leaked_urns = [u for u in others["urn"].astype(str) if re.search(rf"(?<![\d.]){u}(?![\d])", sent)]
    where = [sent[max(0, m.start() - 150):m.end() + 60] for u in leaked_urns for m in re.finditer(u, sent)][:3]
    assert leaked_names == [] and leaked_urns == [], where
    assert host_name in sent and len(recorder.frames) > 50 and len(files) > 5
    context.close()


def test_a_school_name_holding_markdown_or_html_images_makes_the_browser_fetch_nothing(demo_server, browser, access_db):
    Pixel.requests.clear()
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    with open_store(access_db["path"]) as store:
        names = store.query("SELECT urn, name FROM schools").set_index("urn")["name"]
    for urn in (access_db["markdown"], access_db["html"]):
        visit(page, demo_server, "", f"urn={urn}&year=2024")
        assert page.locator("h1").first.inner_text() == names[urn]  # shown as written
        for slug in ("similar_schools", "value_added", "club_meeting"):
            visit(page, demo_server, slug, f"urn={urn}&year=2024")
            open_sections(page)
    visit(page, demo_server, "la_overview", f"urn={access_db['markdown']}&year=2024")
    page.wait_for_timeout(1000)
    assert Pixel.requests == []
    page.close()
