"""The built site renders its math with no network: MathJax comes inside it (the
sphinx-mathjax-offline package of the docs extra), and headless Chromium, cut off from every
network, turns each equation of the PPO page into MathJax's output.

The rendering needs Debian's ``chromium`` (``travis_setup.sh`` installs it); without it those
tests skip, saying so.
The network is cut twice where the system allows: in a network namespace of its own
(``unshare -rn``) and by a resolver that finds no host; Chromium's network log then shows that
the page asked for nothing over the network.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docs_pages import DOCS, REPO

CHROMIUM = next((shutil.which(name) for name in ('chromium', 'chromium-browser', 'google-chrome')
                 if shutil.which(name)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason='Chromium is not installed (Debian: apt-get install chromium, '
                             'or bash travis_setup.sh): the offline rendering of the docs is not checked')

# Sphinx's mathjax extension writes each equation as TeX between these, for MathJax to replace
DELIMITERS = ('\\[', '\\]', '\\(', '\\)')


def _no_network_prefix():
    """``unshare -rn`` (a new network namespace with no interface but loopback) where allowed."""
    unshare = shutil.which('unshare')
    if unshare and subprocess.run([unshare, '-rn', 'true'], capture_output=True).returncode == 0:
        return [unshare, '-rn']
    return []


@pytest.fixture(scope='module')
def site(tmp_path_factory):
    """The PPO page built with the site's own configuration. The other pages are left out to
    save time (so their links warn here); test_docs.py builds the whole site without a warning."""
    out = tmp_path_factory.mktemp('site')
    keep = {Path('index.rst'), Path('algorithms/ppo.rst')}
    excluded = ['_build'] + sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob('*.rst')
                                   if p.relative_to(DOCS) not in keep)
    result = subprocess.run([sys.executable, '-m', 'sphinx', '-q', '-b', 'html',
                             '-D', 'exclude_patterns=' + ','.join(excluded),
                             '-d', str(out / 'doctrees'), str(DOCS), str(out / 'html')],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return out / 'html'


def open_offline(page, tmp_path):
    """The DOM of ``page`` after MathJax had its time, and the network requests the page made."""
    netlog = tmp_path / 'netlog.json'
    result = subprocess.run(
        [*_no_network_prefix(), CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu',
         '--no-first-run', '--disable-background-networking', '--disable-component-update',
         '--disable-sync', '--disable-quic', f'--user-data-dir={tmp_path / "profile"}',
         '--host-resolver-rules=MAP * ~NOTFOUND', f'--log-net-log={netlog}',
         '--virtual-time-budget=20000', '--dump-dom', page.as_uri()],
        capture_output=True, text=True, timeout=180)
    assert result.returncode == 0 and '</html>' in result.stdout, result.stderr[-3000:]
    return result.stdout, page_requests(netlog)


def page_requests(netlog):
    """URLs the page itself asked for over the network (Chromium's own background requests,
    which no page starts, are not counted)."""
    log = json.loads(netlog.read_text())
    start_job = log['constants']['logEventTypes']['URL_REQUEST_START_JOB']
    urls = []
    for event in log['events']:
        params = event.get('params', {})
        if (event['type'] == start_job and params.get('initiator') != 'not an origin'
                and re.match(r'(https?|wss?)://', params.get('url', ''))):
            urls.append(params['url'])
    return urls


def math_count(html):
    return len(re.findall(r'class="math notranslate nohighlight"', html))


def test_the_site_carries_mathjax_and_loads_it_from_its_own_folder(site):
    html = (site / 'algorithms' / 'ppo.html').read_text()
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    mathjax = [s for s in scripts if 'mathjax' in s.lower()]
    assert mathjax == ['../_static/mathjax/tex-chtml.js'], scripts
    assert not [s for s in scripts if '://' in s], scripts
    assert (site / '_static' / 'mathjax' / 'tex-chtml.js').is_file()
    # the web fonts MathJax's HTML output draws the equations with
    assert list((site / '_static' / 'mathjax' / 'output' / 'chtml' / 'fonts').rglob('*.woff'))


@needs_chromium
def test_the_ppo_page_renders_every_equation_with_no_network(site, tmp_path):
    page = site / 'algorithms' / 'ppo.html'
    expected = math_count(page.read_text())
    assert expected >= 20  # the key equations, the pseudocode and the prose's symbols
    dom, requested = open_offline(page, tmp_path)
    assert requested == [], f'the page reached for the network: {requested}'
    assert len(re.findall(r'<mjx-container', dom)) == expected
    assert '<mjx-merror' not in dom, 'MathJax could not typeset an equation'
    text = re.sub(r'<[^>]+>', '', dom.split('<body', 1)[1])
    for delimiter in DELIMITERS:
        assert delimiter not in text, f'raw TeX left on the page: {delimiter}'


@needs_chromium
def test_the_check_sees_math_left_raw_when_mathjax_is_on_a_server(site, tmp_path):
    """The same page with MathJax's usual server address instead (as the site had before):
    offline, its equations stay raw TeX, and the page's request for MathJax shows in the log."""
    cdn = 'https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js'
    page = site / 'algorithms' / 'ppo_cdn.html'
    page.write_text((site / 'algorithms' / 'ppo.html').read_text()
                    .replace('../_static/mathjax/tex-chtml.js', cdn))
    dom, requested = open_offline(page, tmp_path)
    assert requested == [cdn]
    assert '<mjx-container' not in dom
    assert '\\[' in dom and '\\(' in dom
