"""Real-browser tests: `streamlit run dashboard.py` on a free local port, driven by Playwright with
Debian's Chromium. Every page, in normal and projector mode, with no error on screen; 1920 x 1080
screenshots are saved in tests/screenshots/ (or $SCREENSHOT_DIR), and the README's pictures in docs/screenshots/,
so that they always show the pages as they are."""
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, Dashboard, run_cli, table_fingerprints, wait_for_app

pytestmark = pytest.mark.browser
README_PICTURES = ROOT / "docs" / "screenshots"  # the README shows some of these: tests/test_readme.py
PAGES = [("My school", "my_school"), ("Similar schools", "similar_schools"), ("Value added", "value_added"), ("Club impact", "club_impact"),
         ("LA overview", "la_overview"), ("Club meeting", "club_meeting"), ("Data", "data"), ("Methodology", "methodology")]


@pytest.fixture(scope="module")
def server_db(small_demo_path, tmp_path_factory) -> dict:
    """The store the dashboard under test serves: a copy of BROWSER_TEST_DB (a store of your own, e.g. the
    national demo for screenshots) if given, else of the small demo store, with the schools the tests use."""
    from benchmarking.store import open_store

    given = os.environ.get("BROWSER_TEST_DB")
    source = Path(given) if given and Path(given).is_file() else small_demo_path
    db = tmp_path_factory.mktemp("browser") / "app.duckdb"
    shutil.copy(source, db)
    with open_store(db) as store:
        primary = store.query("SELECT urn, name FROM schools WHERE phase = 'primary' ORDER BY urn LIMIT 1").iloc[0]
        secondary = store.query("SELECT urn, la_code FROM schools WHERE phase = 'secondary' ORDER BY urn LIMIT 1").iloc[0]
    return {"path": db, "primary": primary, "secondary": int(secondary["urn"]), "la_code": int(secondary["la_code"])}


@pytest.fixture(scope="module")
def server(server_db):
    dashboard = Dashboard(server_db["path"])
    yield dashboard.url
    dashboard.stop()


@pytest.mark.parametrize("projector", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["normal", "projector"])
def test_every_page_opens_without_an_error_in_a_real_browser(server, browser, projector):
    shots = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "tests" / "screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(server)
    wait_for_app(page)
    if projector:
        page.get_by_text("Projector mode").click()
        wait_for_app(page)
    for title, slug in PAGES:
        expand = page.locator('[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"] button')
        if expand.count() and expand.first.is_visible():  # projector mode collapses the sidebar for the slides
            expand.first.click()
            page.wait_for_timeout(500)
        page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
        page.wait_for_url(f"**/{slug}**" if slug != "my_school" else "**", timeout=30_000)
        wait_for_app(page)
        assert page.locator('[data-testid="stException"]').count() == 0, title
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0, title
        name = f"{slug}-{'projector' if projector else 'normal'}.png"
        page.screenshot(path=str(shots / name))
        if (README_PICTURES / name).exists():
            refresh_picture(shots / name, README_PICTURES / name)
    if projector:
        font = page.evaluate("getComputedStyle(document.documentElement).fontSize")
        assert font == "22px"
    page.close()


def refresh_picture(new: Path, shown: Path, tolerance: float = 0.001) -> bool:
    """Replace a picture the README shows with a new screenshot of its page, unless they differ in fewer than
    `tolerance` of their pixels (a caret or a hover: no reason to change a committed file). Whether it did."""
    from PIL import Image, ImageChops

    with Image.open(new) as fresh, Image.open(shown) as old:
        if fresh.size == old.size:
            mask = ImageChops.difference(fresh.convert("RGB"), old.convert("RGB")).convert("L").point(lambda v: v > 0)
            if sum(mask.histogram()[1:]) < tolerance * fresh.size[0] * fresh.size[1]:
                return False
    shutil.copyfile(new, shown)
    return True


def test_a_picture_is_replaced_when_its_page_changed_and_kept_for_a_stray_pixel(tmp_path):
    from PIL import Image

    shown = tmp_path / "shown.png"
    Image.new("RGB", (200, 100), "white").save(shown)
    stray = Image.new("RGB", (200, 100), "white")
    stray.putpixel((5, 5), (0, 0, 0))
    stray.save(tmp_path / "stray.png")
    changed = Image.new("RGB", (200, 100), "white")
    changed.paste((200, 0, 0), (0, 0, 100, 50))
    changed.save(tmp_path / "changed.png")
    assert not refresh_picture(tmp_path / "stray.png", shown)
    assert Image.open(shown).getpixel((5, 5)) == (255, 255, 255)
    assert refresh_picture(tmp_path / "changed.png", shown)
    assert Image.open(shown).getpixel((5, 5)) == (200, 0, 0)


def test_a_link_opens_the_same_school_and_year(server, browser, server_db):
    school = server_db["primary"]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/similar_schools?urn={school['urn']}&year=2023")
    wait_for_app(page)
    assert f"Schools like {school['name']}" in page.locator("h1").first.inner_text()
    assert "year=2023" in page.url and f"urn={school['urn']}" in page.url
    page.close()


def test_a_bad_upload_gets_a_validation_report_and_changes_nothing(server, browser, server_db, tmp_path):
    urn = server_db["secondary"]
    before = table_fingerprints(server_db["path"])
    bad = tmp_path / "pupils.csv"
    bad.write_text("pupil_id,urn,key_stage,prior_attainment,disadvantaged,sen,eal,sex\n"
                   f"P1,{urn},KS4,130,N,N,N,F\nP2,{urn},KS4,100,N,Z,N,F\nP3,{urn},KS4,100,N,N,N,F\n")
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/data")
    wait_for_app(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(1).set_input_files(str(bad))
    page.get_by_role("button", name="Check and import pupils").click()
    page.get_by_text("Validation report: 2 problems").wait_for(timeout=30_000)
    assert page.get_by_text("Nothing was imported").count() >= 1
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:800]
    page.close()
    assert table_fingerprints(server_db["path"]) == before


def test_clicking_a_school_on_expected_against_actual_opens_it(server, browser, server_db):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/value_added?urn={server_db['secondary']}&year=2024")
    wait_for_app(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(1)  # the club's dots, then expected against actual
    chart.scroll_into_view_if_needed()
    points = chart.locator("g.trace.scatter").nth(1).locator("path.point")
    assert points.count() >= 5
    for attempt in range(4):
        # Plotly clicks the point it is hovering: on a busy machine the hover comes late, so hover first, wait for
        # its label, then click where the mouse is (a different point each attempt, in case one sits under another).
        box = points.nth(attempt).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x - 3, y - 3)
        page.mouse.move(x, y)
        try:
            page.wait_for_selector("g.hoverlayer g.hovertext", timeout=5_000)
        except Exception:
            continue
        page.mouse.click(x, y)
        try:
            page.wait_for_function(f"!location.search.includes('urn={server_db['secondary']}')", timeout=20_000)
            break
        except Exception:
            if attempt == 3:
                raise
            wait_for_app(page)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert f"urn={server_db['secondary']}" not in page.url and "urn=" in page.url
    assert "Headline results" in page.inner_text("body")
    page.close()


def test_a_partner_opens_at_the_top_of_its_page_and_a_reload_stays_on_it(server, browser, server_db):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    with __import__("benchmarking.store", fromlist=["open_store"]).open_store(server_db["path"]) as store:
        weakest = int(store.query("SELECT urn FROM results WHERE year = 2024 AND measure = 'ks4_p8' AND value IS NOT NULL "
                                  "ORDER BY value LIMIT 1")["urn"][0])
    page.goto(f"{server}/?urn={weakest}&year=2024")
    wait_for_app(page)
    partner = page.locator('[data-testid="stMain"] button').filter(has_text="difference").first
    partner.scroll_into_view_if_needed()
    partner.click()
    page.wait_for_function(f"!location.search.includes('urn={weakest}')", timeout=30_000)
    wait_for_app(page)
    scrolled = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollTop + window.scrollY")
    assert scrolled < 50
    opened = page.url
    page.reload()
    wait_for_app(page)
    assert page.url == opened and f"urn={weakest}" not in page.url
    page.close()


@pytest.mark.slow  # the meeting deck's keys, pressed through every switch: among the heaviest
def test_the_club_meeting_deck_fits_the_projector_moves_by_keys_and_resumes_after_a_reload(server, browser, server_db):
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/club_meeting?urn={server_db['secondary']}&year=2024&projector=1&anonymise=1")
    wait_for_app(page)
    # The deck's own count ("1 of 10": the glance, each headline measure ranked, absence among them, value added,
    # the funnel and trends).
    heading = page.locator('[data-testid="stMain"] h3').first.inner_text()
    count = int(re.search(r"\b1 of (\d+)", heading).group(1))
    assert count >= 8
    heights, titles = [], []
    for slide in range(1, count + 1):
        assert f"slide={slide}" in page.url
        titles.append(page.locator('[data-testid="stMain"] h3').first.inner_text())
        heights.append(page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight"))
        page.screenshot(path=str(ROOT / "tests" / "screenshots" / f"meeting-slide-{slide}.png"))
        page.keyboard.press("ArrowRight" if slide % 2 else "PageDown")
        page.wait_for_timeout(800)
        wait_for_app(page)
    assert len(set(titles)) == count and all(h <= 1080 for h in heights), str(list(zip(titles, heights)))
    assert any("absence" in t.lower() and "lower is better" in t for t in titles)
    assert "slide=1" in page.url  # round to the first again
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(800)
    wait_for_app(page)
    assert f"slide={count}" in page.url
    page.reload()
    wait_for_app(page)
    assert f"slide={count}" in page.url and page.locator('[data-testid="stMain"] h3').first.inner_text() == titles[-1]
    page.close()


@pytest.mark.slow  # the meeting deck's keys, pressed through every switch: among the heaviest
def test_a_meeting_opens_anonymised_with_las_hidden_and_context_rounded_and_its_keys_survive_every_switch(
        server, browser, server_db):
    import io

    import pandas as pd

    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{server}/club_meeting?urn={server_db['secondary']}&year=2024")
    wait_for_app(page)
    page.wait_for_function("location.search.includes('anonymise=1')", timeout=20_000)
    wait_for_app(page)
    with page.expect_download(timeout=20_000) as done:  # the glance slide's table, as the meeting sees it
        page.get_by_role("button", name="Download CSV").first.click()
    glance = pd.read_csv(io.BytesIO(open(done.value.path(), "rb").read()), encoding="utf-8-sig")
    host = glance.iloc[0]
    others = glance.iloc[1:]
    assert not host["School"].startswith("School ") and others["School"].str.match(r"School [A-Z]+$").all()
    assert (others["LA"] == "An LA").all() and host["LA"] != "An LA"
    for column in ("% disadvantaged", "% EAL", "% SEN support"):
        assert (others[column] % 5 == 0).all(), column
    assert (others["Pupils on roll"] % 100 == 0).all()

    def slide() -> int:
        return int(re.search(r"slide=(\d+)", page.url).group(1))

    def press_right() -> None:
        # On a busy machine the keys' frame may still be loading when the page looks finished: press again
        # (dead keys stay dead however often they are pressed).
        before = slide()
        for attempt in range(3):
            page.keyboard.press("ArrowRight")
            try:
                page.wait_for_function(f"!location.search.includes('slide={before}')", timeout=8_000)
                break
            except Exception:
                if attempt == 2:
                    raise
        wait_for_app(page)
        assert slide() == before + 1

    def switch(label: str) -> None:
        page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).click()
        page.wait_for_timeout(800)
        wait_for_app(page)

    press_right()
    switch("Name other schools' LAs")  # each switch redraws the page, and the keys' frame with it
    press_right()
    switch("Anonymise other schools")  # off: it stays off, and the page offers to turn it on
    assert "anonymise=1" not in page.url
    press_right()
    page.get_by_role("button", name="Anonymise every school but the host").click()
    page.wait_for_function("location.search.includes('anonymise=1')", timeout=20_000)
    wait_for_app(page)
    press_right()
    switch("Projector mode")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(1000)
    wait_for_app(page)
    assert slide() == 4
    page.close()


def test_a_new_servers_first_visitor_by_deep_link_gets_the_whole_app(server_db, browser):
    dashboard = Dashboard(server_db["path"])  # a server of its own: nobody has opened / on it yet
    try:
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{dashboard.url}/value_added?urn={server_db['secondary']}&year=2024")
        wait_for_app(page)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "My school" in nav and "Club meeting" in nav and "common" not in nav.lower()
        width = page.evaluate("document.querySelector('[data-testid=\"stMainBlockContainer\"]').offsetWidth")
        assert width > 1200  # the wide layout, which the entry script sets
        later = browser.new_page(viewport={"width": 1920, "height": 1080})
        later.goto(f"{dashboard.url}/similar_schools")
        wait_for_app(later)
        assert "common" not in later.locator('[data-testid="stSidebarNav"]').inner_text().lower()
        page.close()
        later.close()
    finally:
        dashboard.stop()


@pytest.mark.slow
def test_a_first_visit_by_deep_link_to_any_page_runs_it_inside_the_whole_app(server_db, browser):
    """Every page as the very first visit of a new server, when Streamlit would run a pages/ file alone."""
    from ui.navigation import PAGES as SPECS

    servers = {spec.slug: Dashboard(server_db["path"]) for spec in SPECS}  # started together: one each
    try:
        for spec in SPECS:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{servers[spec.slug].url}/{spec.slug}?urn={server_db['secondary']}&year=2024")
            wait_for_app(page)
            nav = [line for line in page.locator('[data-testid="stSidebarNav"]').inner_text().splitlines() if line.strip()]
            assert nav == ["Schools", "My school", "Similar schools", "Value added", "Advisers and clubs", "LA overview",
                           "Club meeting", "Club impact", "About", "Data", "Methodology", "Users"], (spec.slug, nav)
            # The entry script ran: its sidebar is there (a meeting opens anonymised, its school picker locked).
            # A cold server may still be drawing the sidebar's last widgets: wait for them, then read it whole.
            sidebar_holds = ("(t) => (document.querySelector('[data-testid=\"stSidebarUserContent\"]')"
                             " || {innerText: ''}).innerText.includes(t)")
            for text in ("Your school", "Projector mode"):
                page.wait_for_function(sidebar_holds, arg=text, timeout=60_000)
            sidebar = page.locator('[data-testid="stSidebarUserContent"]').inner_text()
            assert ("Anonymised mode is on" in sidebar) == (spec.slug == "club_meeting"), spec.slug
            assert spec.slug in page.url or spec.key == "my_school", (spec.slug, page.url)
            assert page.locator('[data-testid="stException"]').count() == 0, spec.slug
            page.close()
    finally:
        for dashboard in servers.values():
            dashboard.stop()


def test_an_import_from_the_command_line_while_the_dashboard_serves_lands_and_the_page_shows_it(server, browser, server_db, tmp_path):
    # Last in this module: it changes the store the server serves.
    urn = server_db["secondary"]
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    page.goto(f"{server}/?urn={urn}&year=2024")
    wait_for_app(page)
    new_name = "Renamed While Serving Academy"
    gias = tmp_path / "gias.csv"
    gias.write_text('"URN","EstablishmentName","LA (code)","PhaseOfEducation (name)"\n'
                    f'"{urn}","{new_name}","{int(server_db["la_code"])}","Secondary"\n')
    started = time.perf_counter()
    result = run_cli("--db", server_db["path"], "import-dfe", gias)
    assert result.returncode == 0, result.stderr
    # No reload, no click: the open page notices the new store within a few seconds.
    page.locator("h1", has_text=new_name).wait_for(timeout=15_000)
    assert time.perf_counter() - started < 15
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def printed_pages(context, path: Path) -> int:
    """Print an HTML file to PDF in Chromium, on A4 as its own CSS asks, and count the PDF's pages."""
    import re

    page = context.new_page()
    page.goto(path.as_uri())
    charts = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
    page.wait_for_function(f"document.querySelectorAll('.plotly-graph-div .main-svg').length >= {charts}", timeout=60_000)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    page.close()
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def download(page, label: str, tmp_path: Path) -> Path:
    import re

    button = page.get_by_role("button", name=re.compile(label)).first
    with page.expect_download() as done:
        button.click()
    path = tmp_path / done.value.suggested_filename
    done.value.save_as(path)
    return path


def test_the_meeting_pack_and_visit_briefs_download_and_print_on_a4(server, browser, server_db, tmp_path):
    from benchmarking.store import open_store

    with open_store(server_db["path"]) as store:
        names = store.query("SELECT urn, name FROM schools")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page = context.new_page()
    urn = server_db["secondary"]
    page.goto(f"{server}/club_meeting?urn={urn}&year=2024&anonymise=1")
    wait_for_app(page)
    pack = download(page, "Download the meeting pack", tmp_path)
    text = pack.read_text(encoding="utf-8")
    host = names.loc[names["urn"] == urn, "name"].iloc[0]
    assert pack.name == "club-meeting-2024-anonymised.html" and host in text
    assert [n for n in names["name"] if n != host and n in text] == []  # anonymised: no other school named
    slides = text.count("<div class='slide'>")
    assert slides >= 6 and printed_pages(context, pack) == slides  # one A4 page per slide, none spilling over

    page.goto(f"{server}/?urn={urn}&year=2024")  # My school is the default page
    wait_for_app(page)
    brief = download(page, "Download the visit brief", tmp_path)
    assert brief.name == f"visit-brief-{urn}-2024.html" and f"<h1>{host}</h1>" in brief.read_text(encoding="utf-8")
    assert printed_pages(context, brief) == 1

    page.goto(f"{server}/la_overview?urn={urn}&year=2024")
    wait_for_app(page)
    (tmp_path / "la").mkdir()
    from_la = download(page, "Download the visit brief", tmp_path / "la")
    assert "<h2>Suggested partners</h2>" in from_la.read_text(encoding="utf-8") and printed_pages(context, from_la) == 1
    context.close()
