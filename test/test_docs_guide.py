"""Every command and Python snippet of the user guide, utilities, exercises and benchmark
pages runs, on a tiny budget (docs_pages.py says how they are read and cut)."""
import pytest

from docs_pages import DOCS, assert_page_runs, page_id, runnable

PAGES = [p for p in sorted(DOCS.rglob('*.rst')) if p.parent.name != 'algorithms' and runnable(p)]


@pytest.mark.slow
@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_page_commands_and_snippets_run(page, tmp_path):
    assert_page_runs(page, tmp_path)
