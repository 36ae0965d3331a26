"""Every command and Python snippet of the user guide's pages about saved runs (loading them,
watching them) runs, on a tiny budget (docs_pages.py says how they are read and cut)."""
import pytest

from docs_pages import DOCS, SAVED_RUN_PAGES, assert_page_runs, page_id, runnable

PAGES = [DOCS / 'user' / name for name in SAVED_RUN_PAGES if runnable(DOCS / 'user' / name)]


@pytest.mark.slow
@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_page_commands_and_snippets_run(page, tmp_path):
    assert_page_runs(page, tmp_path)
