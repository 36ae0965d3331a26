"""Every command and Python snippet of the user guide runs, on a tiny budget (docs_pages.py
says how they are read and cut). The pages about saved runs are in test_docs_guide_saved.py,
and the other sections' in test_docs_more.py: three files, so that test workers share them."""
import pytest

from docs_pages import DOCS, SAVED_RUN_PAGES, assert_page_runs, page_id, runnable

PAGES = [p for p in sorted((DOCS / 'user').glob('*.rst')) if p.name not in SAVED_RUN_PAGES and runnable(p)]


@pytest.mark.slow
@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_page_commands_and_snippets_run(page, tmp_path):
    assert_page_runs(page, tmp_path)
