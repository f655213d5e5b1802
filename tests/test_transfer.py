"""What travels to the browser (issue 19): compressed responses, cacheable versioned bundles, no-store data."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

import config
import web
from app import create_app
from bench.dash_http import callback_body
from data import queries
from layouts import ids
from state.selection import default_state


@pytest.fixture
def client(demo_sqlite):
    app = create_app(demo_sqlite)
    web.install(app, cfg=config.load({"RATELIMIT_ENABLED": "0"}))  # sign-in off: the local officer default
    return app, app.server.test_client()


def _bundles(client) -> list[str]:
    index = client.get("/").get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+\.js)"', index)


def test_trn001_versioned_bundles_are_cacheable_for_a_year_and_compressed(client):
    _, c = client
    bundles = _bundles(c)
    assert bundles and all(re.search(r"\.v[\d_]+m\d+", b) for b in bundles)  # versioned by Dash
    for path in bundles[-3:]:
        plain = c.get(path)
        age = re.search(r"max-age=(\d+)", plain.headers["Cache-Control"])
        assert age and int(age.group(1)) >= 365 * 86400 and "no-store" not in plain.headers["Cache-Control"]
        br = c.get(path, headers={"Accept-Encoding": "br"})
        assert br.headers["Content-Encoding"] == "br"
        assert brotli.decompress(br.data) == plain.data and len(br.data) < len(plain.data) / 2
        gz = c.get(path, headers={"Accept-Encoding": "gzip"})
        assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == plain.data
        assert "Accept-Encoding" in gz.headers["Vary"]


def test_trn002_callbacks_and_the_layout_are_no_store_and_compressed_when_asked(client, demo_sqlite):
    app, c = client
    with app.server.app_context():
        version = queries.data_version(demo_sqlite)
        state = default_state(queries.date_bounds(demo_sqlite, version))
    body = callback_body(app, ids.COMPARE_GRAPH, {f"{ids.STATE}.data": state}, [f"{ids.STATE}.data"])
    plain = c.post("/_dash-update-component", json=body)
    zipped = c.post("/_dash-update-component", json=body, headers={"Accept-Encoding": "gzip, br"})
    assert plain.status_code == zipped.status_code == 200
    assert "Content-Encoding" not in plain.headers and plain.headers["Cache-Control"] == "no-store"
    assert zipped.headers["Content-Encoding"] == "br" and zipped.headers["Cache-Control"] == "no-store"
    assert brotli.decompress(zipped.data) == plain.data
    layout = c.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert layout.headers["Cache-Control"] == "no-store" and layout.headers["Content-Encoding"] == "gzip"
    assert b"share-link-opened" in gzip.decompress(layout.data)


def test_trn003_assets_are_compressed_and_a_revalidation_is_a_304(client):
    _, c = client
    index = c.get("/").get_data(as_text=True)
    asset = re.search(r'src="(/assets/plotly[^"]+)"', index).group(1)
    first = c.get(asset, headers={"Accept-Encoding": "br"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "br"
    again = c.get(asset, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data  # a repeat visit does not move the file again
