"""Every command and Python snippet of the utilities, exercises and benchmarks pages runs, on
a tiny budget (docs_pages.py says how they are read and cut)."""
import pytest

from docs_pages import DOCS, assert_page_runs, page_id, runnable

PAGES = [p for section in ('utils', 'exercises', 'benchmarks') for p in sorted((DOCS / section).glob('*.rst'))
         if runnable(p)]


@pytest.mark.slow
@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_page_commands_and_snippets_run(page, tmp_path):
    assert_page_runs(page, tmp_path)
