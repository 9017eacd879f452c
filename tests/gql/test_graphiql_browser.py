"""GraphiQL in a real headless Chromium: the page loads its IDE from the app
itself and runs a query, with no network beyond 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.gql.browser import LOOPBACK, chromium, requested_urls, require_chromium, served_app

QUERY = "{ seasons(first: 4) { nodes { name } } }"


@pytest.mark.parametrize("empty_db_url", ["postgresql"], indirect=True)
def test_graphiql_runs_a_query_offline(seeded_db_url: str, tmp_path: Path) -> None:
    require_chromium()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as loaded
    from selenium.webdriver.support.ui import WebDriverWait

    with (
        served_app(seeded_db_url, tmp_path / "server.log") as base,
        chromium(tmp_path / "profile") as browser,
    ):
        browser.get(f"{base}/graphql?q={quote(QUERY)}")
        wait = WebDriverWait(browser, 60)  # a bound for a loaded machine, not a measurement
        run_button = (By.CSS_SELECTOR, ".graphiql-execute-button")
        run = wait.until(loaded.element_to_be_clickable(run_button))
        # The explorer plugin's sidebar button: its script ran too.
        browser.find_element(By.CSS_SELECTOR, '[aria-label="Show GraphiQL Explorer"]')
        run.click()
        response = (By.CSS_SELECTOR, ".graphiql-response")
        wait.until(loaded.text_to_be_present_in_element(response, "2026-Q4"))
        shown = browser.find_element(*response).text
        assert '"seasons"' in shown and "2026-Q1" in shown

        urls = requested_urls(browser)
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    # Chromium's own pages (chrome://, the new tab) and data: URLs are not network.
    network = [url for url in urls if urlsplit(url).scheme in ("http", "https", "ws", "wss")]
    assert {urlsplit(url).hostname for url in network} == {LOOPBACK}, network
    assert any(url.endswith("/graphiql.min.js") for url in network)
    assert any(url == f"{base}/graphql" for url in network)  # the fetcher's POST
    assert errors == []  # no script refused (CSP, integrity) and no failed request
