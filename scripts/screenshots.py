"""Developer helper: the README's screenshots of the workbench, from the fictional example articles.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]      # default docs/screenshots

Analyses examples/*.txt (written for the project, so the images hold no copied news text) into a
throwaway store, serves the workbench on loopback and photographs each view in headless Chromium
(Debian's /usr/bin/chromium and chromedriver, as the browser tests use).
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
PUBLISHED = "2025-03-12"  # the date the examples are written for (Makefile: EXAMPLE_PUBLISHED)


def _serve(store) -> tuple[str, object]:
    import uvicorn

    from dragoman.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store.url, store=store), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def _browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look for a driver online
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("DRAGOMAN_CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                 "--disable-background-networking", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = os.environ.get("DRAGOMAN_CHROMEDRIVER", "/usr/bin/chromedriver")
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def main(argv: list[str]) -> int:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from dragoman.ingest import article_from_text
    from dragoman.pipeline import analyze_articles
    from dragoman.store import Store

    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'screens.db'}")
        articles = [article_from_text(p.read_text(encoding="utf-8"), doc=p.stem, published=PUBLISHED)
                    for p in EXAMPLES]
        store.save_many(analyze_articles(articles))
        base, server = _serve(store)
        driver = _browser()
        try:
            def view(path: str, name: str, ready=None) -> None:
                driver.get(base + path)
                if ready:
                    WebDriverWait(driver, 20).until(ready)
                time.sleep(0.5)  # let the libraries finish drawing
                driver.save_screenshot(str(out / f"{name}.png"))
                print(out / f"{name}.png")

            view(f"/articles/{EXAMPLES[0].stem}", "article")
            view("/events", "events", lambda d: d.find_element(By.ID, "map").get_attribute("data-ready") == "true")
            view("/claims", "claims")
            view("/happenings", "happenings")
            corroborated = store.query_happenings(min_sources=2, limit=1)["items"]
            if corroborated:
                view(f"/happenings/{corroborated[0]['id']}", "happening")
        finally:
            driver.quit()
            server.should_exit = True
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
