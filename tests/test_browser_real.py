"""Every kind of school on DfE's real files, as a head or an adviser meets it in Chromium: a primary's value added
from published KS2 progress, a special school among special schools, and honest words for a school whose figures
are suppressed, of low coverage or closed; CSVs whose numbers a spreadsheet reads as numbers. Marked slow: two
servers on the real stores (run with -m slow)."""
import io
import re
import shutil

import pandas as pd
import pytest

from tests.conftest import Dashboard, open_sections, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PRIMARY = 115851  # Anstey Junior School, Hampshire: KS2 progress published with CIs (three LAs' files)
SPECIAL, LOW_COVERAGE, SUPPRESSED, CLOSED = 100092, 140966, 142080, 100192  # the 2018-19 England files


def served_copy(store, tmp_path_factory, name: str):
    """A dashboard on a copy of a real store (its imports and pairings change nothing the other tests read)."""
    path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    shutil.copy(store, path)
    dashboard = Dashboard(path)
    yield dashboard.url
    dashboard.stop()


@pytest.fixture(scope="module")
def england(real_england_db, tmp_path_factory):
    yield from served_copy(real_england_db, tmp_path_factory, "real-england")


@pytest.fixture(scope="module")
def three_las(real_la_db, tmp_path_factory):
    yield from served_copy(real_la_db, tmp_path_factory, "real-las")


def opened(browser, url: str):
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(url)
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, url
    return page


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def csv_of(page, column: str) -> pd.DataFrame:
    """The CSV of the page's table that has `column`, as the page offers it, read as a spreadsheet would read it
    (numbers as numbers). A long page may still be drawing its tables when the script has finished: each round
    tries every button again."""
    buttons = page.get_by_role("button", name="Download CSV")
    buttons.first.wait_for(timeout=30_000)
    for _ in range(4):
        for i in range(buttons.count()):
            with page.expect_download(timeout=20_000) as done:
                buttons.nth(i).click()
            frame = pd.read_csv(io.BytesIO(open(done.value.path(), "rb").read()), encoding="utf-8-sig")
            if column in frame:
                return frame
        page.wait_for_timeout(1500)
    raise AssertionError(f"no table with a {column!r} column")


def test_a_primarys_value_added_shows_the_published_ks2_progress_with_its_club_and_funnel(three_las, browser):
    page = opened(browser, f"{three_las}/value_added?urn={PRIMARY}&year=2019")
    text = main_text(page)
    assert "Official (DfE method)" in text and "below average" in text and "Progress 8 only" not in text
    assert page.locator('[data-testid="stPlotlyChart"]').count() >= 2  # the club's scores with intervals, the funnel
    assert "No funnel plot" not in text
    assert "differ from 0 (the national average)" in text
    page.close()


def test_an_la_overview_of_hundreds_of_schools_opens_on_those_that_differ_from_their_club(three_las, browser):
    page = opened(browser, f"{three_las}/la_overview?urn={PRIMARY}&year=2019")
    shown = int(re.search(r"(\d+) schools? shown", main_text(page)).group(1))
    rows = csv_of(page, "Against the club")
    assert len(rows) == shown and set(rows["Against the club"]) <= {"significantly above", "significantly below"}
    assert pd.api.types.is_numeric_dtype(rows["Difference"])  # sortable, and numbers in a spreadsheet
    page.get_by_text("All", exact=True).click()
    page.wait_for_timeout(800)
    wait_for_app(page)
    everyone = int(re.search(r"(\d+) schools? shown", main_text(page)).group(1))
    assert everyone > shown + 50  # Hampshire's primaries
    page.close()


def test_a_special_school_is_ranked_among_special_schools_everywhere_with_a_funnel_of_their_own(england, browser):
    page = opened(browser, f"{england}/?urn={SPECIAL}&year=2019")
    text = main_text(page)
    sentence = re.search(r"Progress 8 \S+ \(.+?\): (\d+)\w\w of (\d+) similar schools, could be anywhere "
                         r"from (\d+)\w\w to (\d+)\w\w", text)
    assert sentence, text[:500]
    assert "special school, KS4 results" in text and "most similar special schools" in text
    headline = csv_of(page, "Rank in club (95% interval)")
    p8 = headline[headline["Measure"] == "Progress 8"].iloc[0]
    rank, of, low, high = sentence.groups()  # the one line and the table agree, the rank's interval too
    assert p8["Rank in club (95% interval)"] == f"{rank} of {of} ({low}–{high})"
    assert int(low) <= int(rank) <= int(high) and int(low) < int(high)
    assert pd.notna(p8["Club median"]) and p8["Value"] < -2  # a negative number a spreadsheet can sum
    assert headline["Club median"].notna().all()
    page.goto(f"{england}/value_added?urn={SPECIAL}&year=2019")
    wait_for_app(page)
    assert "the special schools' own average" in main_text(page)
    page.goto(f"{england}/similar_schools?urn={SPECIAL}&year=2019")
    wait_for_app(page)
    group = csv_of(page, "Distance")
    assert group["Attainment 8"].notna().sum() >= 15  # the neighbours' own results, special schools' included
    page.close()


@pytest.mark.parametrize("urn, words, never", [
    (LOW_COVERAGE, ["Progress 8: low coverage: under half the pupils included (29 pupils)."], ["no cohort in the measure"]),
    (SUPPRESSED, ["Progress 8: suppressed", "suppressed for too few pupils"], ["has no results in the store"]),
    (CLOSED, ["· closed", "This school has closed"], []),
], ids=["low coverage", "suppressed", "closed"])
def test_each_kind_of_school_is_told_what_its_figures_are_in_plain_words(england, browser, urn, words, never):
    page = opened(browser, f"{england}/?urn={urn}&year=2019")
    text = main_text(page)
    for phrase in words:
        assert phrase in text, (phrase, text[:800])
    for phrase in never + ["Compared with the 20 most similar schools"] * (urn != CLOSED):
        assert phrase not in text, phrase
    if urn == CLOSED:  # results stand; no pairing and no targets for a school that no longer exists
        open_sections(page)
        assert page.get_by_text("No targets recorded for this school yet.").count() == 1  # the section, opened
        assert page.get_by_text(re.compile("Record a school-to-school pairing|Record targets")).count() == 0
    page.close()
