"""The workbench in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by Selenium
against the API served by uvicorn on 127.0.0.1, over a store holding one real analysed article.

Skips, never fails, when Chromium, chromedriver, Selenium or the API module is missing.
Screenshots go to test-artifacts/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path

import pytest

from live import CHROMEDRIVER, CHROMIUM, chromium, served  # tests/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
SHARED_DEV = ROOT.parent / "shared" / "gold" / "dev"

if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)", allow_module_level=True)
if not CHROMEDRIVER.exists():
    pytest.skip(f"no chromedriver at {CHROMEDRIVER} (apt-get install chromium-driver)", allow_module_level=True)
selenium = pytest.importorskip("selenium", reason="selenium is not installed (pip install selenium)")
pytest.importorskip("uvicorn", reason="uvicorn is not installed")
try:
    import dragoman.api  # noqa: F401
except ImportError as err:
    pytest.skip(f"the HTTP API (dragoman.api.create_app) is not available yet: {err}", allow_module_level=True)

from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from dragoman.model import Article  # noqa: E402
from dragoman.store import Store  # noqa: E402

WAIT = 20  # seconds a page may take to draw its visualisations


def _test_web():
    """tests/test_web.py as a module, for its hand-written hostile article (tests/ is no package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dragoman_test_web", Path(__file__).with_name("test_web.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def analysed_store(tmp_path_factory):
    files = sorted(SHARED_DEV.glob("*.txt"))
    if not files:
        pytest.skip(f"no dev article under {SHARED_DEV} (the shared gold folder is absent)")
    from dragoman.pipeline import analyze_article

    path = files[0]
    from dragoman.ingest import article_from_text

    # as a user feeds it: the pasted page, cleaned by ingest
    analysis = analyze_article(article_from_text(path.read_text(encoding="utf-8"), doc=path.stem,
                                                 published="2025-02-10"))
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'browser.db'}")
    store.save(analysis)
    yield store, analysis
    store.close()


@pytest.fixture(scope="module")
def server(analysed_store):
    """The API (with the workbench mounted) served by uvicorn in a thread on a free loopback port."""
    from dragoman.web.vendor import missing

    if missing():
        pytest.skip(f"the front-end libraries are not installed ({', '.join(missing())}): "
                    "run `npm ci && python -m dragoman.web.vendor`")
    store, _ = analysed_store
    with served(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium(console_log=True) as driver:
        yield driver


def shot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"browser-{name}.png"))


def script_errors(driver) -> list[str]:
    """Severe messages of the page's console (uncaught script errors, failed loads)."""
    try:
        logs = driver.get_log("browser")
    except Exception:  # not every driver exposes the log
        return []
    return [entry["message"] for entry in logs if entry.get("level") == "SEVERE"
            and "favicon.ico" not in entry["message"]]


def wait(driver, condition, timeout: int = WAIT):
    return WebDriverWait(driver, timeout).until(condition)


def test_article_page_highlights_the_text(server, browser, analysed_store):
    _, analysis = analysed_store
    browser.get(f"{server}/articles/{analysis.doc}")
    text = wait(browser, EC.presence_of_element_located((By.ID, "article-text")))
    assert text.get_attribute("textContent") == analysis.article.text  # whole and unchanged
    actors = browser.find_elements(By.CSS_SELECTOR, "#article-text mark.m-actor")
    assert actors, "no actor is highlighted"
    first = analysis.actors[0]
    titles = [m.get_attribute("title") for m in actors]
    assert any(first.name in t for t in titles)
    assert browser.find_elements(By.CSS_SELECTOR, "#article-text .blk.in-ev")
    # clicking an event's label marks its evidence in the text
    ref = browser.find_element(By.CSS_SELECTOR, "aside a.find")
    browser.execute_script("arguments[0].click()", ref)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#article-text .blk.found"))
    shot(browser, "article")
    assert not script_errors(browser)


def test_events_page_filters_and_draws_map_timeline_and_network(server, browser, analysed_store):
    _, analysis = analysed_store
    browser.get(f"{server}/events")
    rows = browser.find_elements(By.CSS_SELECTOR, "#events-table tbody tr[data-id]")
    assert len(rows) == len(analysis.events)
    # the visualisations are drawn: their containers have children built by the libraries
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline .vis-timeline"))
    wait(browser, lambda d: d.find_element(By.ID, "map").get_attribute("data-ready") == "true")
    countries = browser.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    assert len(countries) > 100, "the world-atlas country shapes are not on the map"
    assert not browser.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile"), "the map must not load tiles"
    geocoded = [e for e in analysis.events if e.place and e.place.lat is not None]
    assert int(browser.find_element(By.ID, "map").get_attribute("data-points")) == len(geocoded)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#network canvas"))
    with_both = [e for e in analysis.events if e.source and e.target]
    if with_both:
        edges = browser.execute_script("return window.dragoman.network.edges().length")
        assert edges >= 1
    shot(browser, "events")
    assert not script_errors(browser)

    # filter by the first event's type through the form
    kind = analysis.events[0].type
    Select(browser.find_element(By.CSS_SELECTOR, "#event-filters select[name=type]")).select_by_value(kind)
    browser.find_element(By.CSS_SELECTOR, "#event-filters button[type=submit]").click()
    wait(browser, EC.url_contains(f"type={kind}"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#events-table tbody tr[data-id]")
    assert len(rows) == sum(e.type == kind for e in analysis.events)
    assert all(r.find_element(By.CSS_SELECTOR, "td.type").text.split()[0] == kind for r in rows)
    dated = [e for e in analysis.events if e.type == kind and e.date]
    in_data = browser.execute_script(
        "return JSON.parse(document.getElementById('events-data').textContent).timeline.length")
    shot(browser, "events-filtered")
    assert in_data == len(dated)
    drawn = browser.execute_script("return window.dragoman.timeline ? window.dragoman.timeline.itemsData.length : 0")
    assert drawn == len(dated)
    if dated:
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#timeline .vis-item"))


def test_claims_page_lists_claims(server, browser, analysed_store):
    _, analysis = analysed_store
    browser.get(f"{server}/claims")
    cards = browser.find_elements(By.CSS_SELECTOR, ".claim-main .claim-card")
    assert len(cards) == len(analysis.claims)
    shot(browser, "claims")
    assert not script_errors(browser)


def test_a_correction_submitted_in_the_page_is_applied_after_reload(server, browser, analysed_store):
    store, analysis = analysed_store
    browser.get(f"{server}/articles/{analysis.doc}")
    form = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "form.correction[data-kind=event]")))
    key = form.get_attribute("data-key")
    section = form.find_element(By.XPATH, "./ancestor::section[1]")
    old_status = section.find_element(By.CSS_SELECTOR, "h3 .status").text
    new_status = "hypothetical" if old_status != "hypothetical" else "planned"

    # without a token the API refuses, and the page says so
    Select(form.find_element(By.NAME, "field")).select_by_value("status")
    form.find_element(By.NAME, "value").send_keys(new_status)
    form.find_element(By.NAME, "reason").send_keys("hedged in the text")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    out = form.find_element(By.CSS_SELECTOR, "output.result")
    wait(browser, lambda d: "401" in out.text)
    assert all("401" in message for message in script_errors(browser))  # the refused post, nothing else

    token = store.create_token("browser-test")
    box = browser.find_element(By.ID, "api-token")
    box.send_keys(token)
    browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", box)
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # the page reloads itself after a saved correction; the record then shows the new status
    wait(browser, EC.staleness_of(form))
    section = wait(browser, EC.presence_of_element_located(
        (By.XPATH, f"//form[@data-key={xpath_literal(key)}]/ancestor::section[1]")))
    assert section.find_element(By.CSS_SELECTOR, "h3 .status").text == new_status
    assert section.find_elements(By.CSS_SELECTOR, "h3 .corrected")
    assert "hedged in the text" in browser.find_element(By.ID, "corrections").text
    shot(browser, "article-corrected")
    assert not script_errors(browser)


def test_a_record_marked_wrong_disappears_after_reload(server, browser, analysed_store):
    store, analysis = analysed_store
    if not analysis.claims:
        pytest.skip("the pipeline found no claim in the dev article")
    browser.get(f"{server}/articles/{analysis.doc}")
    forms = browser.find_elements(By.CSS_SELECTOR, "form.correction[data-kind=claim]")
    count = len(forms)
    form = forms[0]
    key = form.get_attribute("data-key")
    box = browser.find_element(By.ID, "api-token")
    box.clear()
    box.send_keys(store.create_token("browser-delete"))
    browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", box)
    form.find_element(By.NAME, "delete").click()
    form.find_element(By.NAME, "reason").send_keys("not a claim: a description")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, EC.staleness_of(form))
    wait(browser, EC.presence_of_element_located((By.ID, "article-text")))
    forms = browser.find_elements(By.CSS_SELECTOR, "form.correction[data-kind=claim]")
    assert len(forms) == count - 1
    assert key not in {f.get_attribute("data-key") for f in forms}
    shot(browser, "article-claim-deleted")
    assert not script_errors(browser)


def xpath_literal(value: str) -> str:
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return "concat(" + ", '\"', ".join(f'"{part}"' for part in value.split('"')) + ")"


def test_hostile_article_text_stays_text_in_the_browser(server, browser, analysed_store):
    store, _ = analysed_store
    store.save(_test_web().hostile_analysis())
    browser.get(f"{server}/articles/hostile-%3Cdoc%3E")
    text = wait(browser, EC.presence_of_element_located((By.ID, "article-text")))
    assert "<script>alert(1)</script>" in text.text and "<img src=x onerror=alert(2)>" in text.text
    assert not text.find_elements(By.TAG_NAME, "script") and not text.find_elements(By.TAG_NAME, "img")
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # an injected script or onerror handler would have opened one
    browser.get(f"{server}/events?doc=hostile-%3Cdoc%3E")
    wait(browser, lambda d: d.find_element(By.ID, "map").get_attribute("data-ready") == "true")
    assert not browser.find_elements(By.CSS_SELECTOR, "main script:not([type='application/json'])")
    shot(browser, "hostile")


def test_a_happening_reported_by_several_outlets_lists_every_source(server, browser, analysed_store):
    """Three outlets' reports of one strike (real FA-KES articles) become one happening: the
    happenings table shows its independent sources, and its page lists each article with its
    evidence sentence and links to it. Runs last: it adds articles to the module's store."""
    store, _ = analysed_store
    import csv
    from datetime import datetime

    from dragoman.ingest import article_from_text
    from dragoman.pipeline import analyze_articles

    corpus = ROOT.parent / "shared" / "datasets" / "corpus" / "FA-KES-Dataset.csv"
    if not corpus.exists():
        pytest.skip(f"the FA-KES corpus is absent ({corpus})")
    wanted = ("1914947532", "1923102875", "1965495383")  # the Shayrat airbase strike, 7 April 2017
    with corpus.open(encoding="latin-1", newline="") as handle:
        rows = {r["unit_id"]: r for r in csv.DictReader(handle) if r["unit_id"] in wanted}
    articles = [article_from_text(rows[u]["article_content"], doc=u, outlet=rows[u]["source"],
                                  published=datetime.strptime(rows[u]["date"], "%m/%d/%Y").date().isoformat())
                for u in wanted]
    for analysis in analyze_articles(articles):
        store.save(analysis)

    browser.get(f"{server}/happenings?min_sources=2")
    rows = browser.find_elements(By.CSS_SELECTOR, "#happenings-table tbody tr[data-id]")
    assert rows, "no happening with two independent sources"
    best = max(rows, key=lambda r: int(r.find_element(By.CSS_SELECTOR, "a.sources").text))
    assert int(best.find_element(By.CSS_SELECTOR, "a.sources").text) >= 2
    shot(browser, "happenings")
    best.find_element(By.CSS_SELECTOR, "a.sources").click()
    wait(browser, EC.presence_of_element_located((By.ID, "corroboration")))
    linked = {a.get_attribute("href").split("/articles/")[1].split("#")[0]
              for a in browser.find_elements(By.CSS_SELECTOR, "p.who a[href*='/articles/']")}
    assert len(linked & set(wanted)) >= 2
    shot(browser, "happening")
    assert not script_errors(browser)
