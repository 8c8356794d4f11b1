"""What reaches the browser of a page's tables: the grid shows what the page made of them (ui/arrow_tables.py)."""
import io
import time

import pandas as pd
import pytest

from tests.conftest import open_sections, wait_for_app
from tests.test_browser import server, server_db  # noqa: F401 (the dashboard on a copy of the demo store)

pytestmark = pytest.mark.browser


def grid_texts(page, timeout: float = 30) -> list[str]:
    """The text of every grid on the page, read at one moment once each table has its grid and its download button
    and every grid has filled its cells (a grid draws its cells a moment after it appears, not every grid at once)."""
    deadline = time.monotonic() + timeout
    while True:
        texts, buttons = page.evaluate(
            "[[...document.querySelectorAll('[data-testid=\"stDataFrame\"]')].map(g => g.textContent),"
            " [...document.querySelectorAll('button')].filter(b => b.textContent.trim() === 'Download CSV').length]")
        if (texts and len(texts) == buttons and all(texts)) or time.monotonic() > deadline:
            return texts
        page.wait_for_timeout(200)


def test_my_schools_tables_show_every_column_and_row_of_their_downloads(server, browser, server_db):  # noqa: F811
    """The tables reach the browser as Arrow made straight from their columns (ui/arrow_tables.py): what the grid
    shows has the CSV's columns and rows."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
    page.goto(f"{server}/?urn={server_db['primary']['urn']}&year=2026")
    wait_for_app(page)
    open_sections(page)  # the tables of sections that open on request too
    shown = grid_texts(page)
    buttons = page.get_by_role("button", name="Download CSV")
    assert len(shown) == buttons.count() >= 3  # headline, inclusion, context against the club
    for i in range(buttons.count()):
        with page.expect_download(timeout=20_000) as done:
            buttons.nth(i).click()
        table = pd.read_csv(io.BytesIO(open(done.value.path(), "rb").read()), encoding="utf-8-sig", dtype=str)
        assert all(name in shown[i] for name in table.columns), (list(table.columns), shown[i][:300])
        assert all(label in shown[i] for label in table.iloc[:, 0]), (table.iloc[:, 0].tolist(), shown[i][:300])
    page.close()
