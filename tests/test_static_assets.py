"""Static files for village networks: fingerprinted URLs cached for a year, text compressed."""

import gzip
import re

import brotli


def _css_url(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/yimen\.css\?v=[0-9a-f]{12})"', html).group(1)


def test_pages_link_the_stylesheet_by_content_hash_and_it_is_kept_a_year(client):
    url = _css_url(client)
    response = client.get(url)
    assert response.status_code == 200 and "html.big" in response.get_data(as_text=True)
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    stale = client.get("/static/yimen.css?v=000000000000")  # an old page's URL after a deploy: revalidate
    assert stale.cache_control.no_cache and not stale.cache_control.max_age
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_html_and_css_are_compressed_for_browsers_that_accept_it(client):
    page = client.get("/policy", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br" and "Accept-Encoding" in page.headers["Vary"]
    assert "政策" in brotli.decompress(page.get_data()).decode()
    css = client.get(_css_url(client), headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert "html.big" in gzip.decompress(css.get_data()).decode()
    plain = client.get("/policy")  # no Accept-Encoding: as it was
    assert "Content-Encoding" not in plain.headers and "政策" in plain.get_data(as_text=True)
