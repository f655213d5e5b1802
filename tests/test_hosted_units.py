"""Hosted pieces in one process: public-mode suppression, sign-in flow, headers, the degrading cache."""

from __future__ import annotations

import uuid

import dash
import pandas as pd
import pytest
from dash import Input, Output, html
from flask_caching import Cache
from werkzeug.security import generate_password_hash

import config
import web
from views import disclosure as public
from web.auth import safe_next
from web.caching import SafeRedisCache, cache_config
from web.errors import callback_error
from web.security import build_csp


def _app(env: dict) -> dash.Dash:
    app = dash.Dash(__name__, on_error=callback_error)
    app.layout = html.Div([html.Button(id="btn"), html.Div(id="out")])

    @app.callback(Output("out", "children"), Input("btn", "n_clicks"))
    def boom(n):
        if n == 666:
            raise ValueError("secret detail that must not reach the browser")
        return f"clicked {n}"

    web.install(app, cfg=config.load(env))
    return app


USERS = {"APP_USERS": f"ann:{generate_password_hash('pw')}", "RATELIMIT_ENABLED": "0"}
CALL = {"output": "out.children", "outputs": {"id": "out", "property": "children"},
        "inputs": [{"id": "btn", "property": "n_clicks", "value": 1}], "changedPropIds": ["btn.n_clicks"]}


def _sign_in(client, password="pw", nxt="/", user="ann"):
    page = client.get("/auth/login").get_data(as_text=True)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    return client.post("/auth/login", data={"csrf": csrf, "username": user, "password": password, "next": nxt})


def test_hu001_suppression_is_a_pure_rule():
    df = pd.DataFrame({"gss_code": ["A", "B", "C", "D"], "sessions": [0, 4, 5, 120], "kwh": [0.0, 9.5, 30.0, 800.0]})
    out = public.suppress_frame(df, ["sessions"], threshold=5, dependent_columns=["kwh"])
    assert out["sessions"].isna().tolist() == [True, True, False, False]
    assert out["kwh"].isna().tolist() == [True, True, False, False]
    assert out["sessions"].dtype == "Int64" and df["sessions"].tolist() == [0, 4, 5, 120]  # input untouched
    assert public.suppressed_rows(df, ["sessions"], 5) == 2
    assert [public.suppress_value(v, 5) for v in (None, 0, 4, 5, 6)] == [None, None, None, 5, 6]
    assert public.suppressed_label(5) == "<5"


def test_hu002_public_mode_predicates():
    assert config.load({"APP_MODE": "public"}).public and not config.load({"APP_MODE": "officer"}).public
    assert config.load({"APP_MODE": "Public"}).public  # so no per-device detail (views.common.Source.device_detail)
    assert config.load({}).public_min_count == 5 and config.load({"PUBLIC_MIN_COUNT": "10"}).public_min_count == 10
    assert config.load({}).min_count == 0  # officers: nothing suppressed


def test_hu003_signin_flow_and_401s():
    client = _app(USERS).server.test_client()
    assert client.get("/").status_code == 302
    assert client.post("/_dash-update-component", json=CALL).status_code == 401
    assert _sign_in(client, "nope").status_code == 401
    resp = _sign_in(client, nxt="//evil.example/")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"  # no open redirect
    assert client.get("/").status_code == 200
    assert client.post("/_dash-update-component", json=CALL).get_json()["response"]["out"]["children"] == "clicked 1"
    token = client.get("/auth/login").get_data(as_text=True).split('name="csrf" value="')[1].split('"')[0]
    client.post("/auth/logout", data={"csrf": token})
    assert client.get("/_dash-layout").status_code == 401


def test_hu004_csrf_required_on_signin():
    client = _app(USERS).server.test_client()
    client.get("/auth/login")
    assert client.post("/auth/login", data={"username": "ann", "password": "pw"}).status_code == 400


def test_hu005_callback_error_is_a_banner_not_a_traceback(caplog):
    client = _app({}).server.test_client()  # local, no users: sign-in off
    bad = {**CALL, "inputs": [{"id": "btn", "property": "n_clicks", "value": 666}]}
    resp = client.post("/_dash-update-component", json=bad, headers={"X-Request-ID": "req-12345678"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "secret detail" not in body and "Traceback" not in body
    assert "reference req-12345678" in body  # set_props on the banner
    assert any("req-12345678" in r.getMessage() for r in caplog.records)


def test_hu006_headers_and_csp_without_eval():
    app = _app({})
    resp = app.server.test_client().get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert all(h in csp for h in app.csp_hashes())
    assert resp.headers["X-Frame-Options"] == "DENY" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "https://*.tile.example" in build_csp(app, "https://{s}.tile.example/{z}/{x}/{y}.png")


@pytest.mark.parametrize("target, expected", [("/?a=1", "/?a=1"), ("//evil", "/"), ("https://evil", "/"),
                                              ("/\\evil", "/"), (None, "/")])
def test_hu007_safe_next(target, expected):
    assert safe_next(target) == expected


@pytest.mark.redis
def test_hu008_cache_degrades_and_recovers(redis_url):
    from flask import Flask

    prefix = f"evtest-{uuid.uuid4().hex[:8]}:"
    up, down = Flask("up"), Flask("down")
    good, dead = Cache(), Cache()
    good.init_app(up, config=cache_config(config.load({"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix})))
    dead.init_app(down, config=cache_config(config.load({"REDIS_URL": "redis://127.0.0.1:1/0"})))
    with up.app_context():
        assert isinstance(good.cache, SafeRedisCache) and good.set("k", 1) and good.get("k") == 1
        good.delete("k")
    with down.app_context():
        calls = []

        @dead.memoize()
        def square(x):
            calls.append(x)
            return x * x

        assert dead.get("k") is None and dead.set("k", 1) is False
        assert square(3) == 9 and square(3) == 9 and calls == [3, 3]  # every call reaches the source


def test_hu009_signin_rate_limit_survives_garbage_collection():
    import gc

    app = _app({**USERS, "RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": "memory://",
                "RATELIMIT_SIGNIN": "3 per minute"})
    gc.collect()  # the limiter must be held by the app, not only weakly
    client = app.server.test_client()
    codes = [_sign_in(client, "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert client.get("/auth/login").status_code == 200  # only the POST is strict
    assert client.get("/healthz").status_code == 200


def test_hu010_public_frame_only_in_public_mode():
    df = pd.DataFrame({"area": ["A", "B"], "sessions": [3, 50], "kwh": [20.0, 400.0], "device_days": [2, 9]})
    assert public.public_frame(df, config.load({"APP_MODE": "officer"}).min_count) is df
    out = public.public_frame(df, config.load({"APP_MODE": "public", "PUBLIC_MIN_COUNT": "10"}).min_count)
    assert out["sessions"].isna().tolist() == [True, False] and out["kwh"].isna().tolist() == [True, False]
    assert out["device_days"].tolist() == [2, 9]  # not derived from sessions: left alone


def test_hu011_callback_limit_counts_per_signed_in_user():
    users = f"ann:{generate_password_hash('pw')},ben:{generate_password_hash('pw')}"
    app = _app({"APP_USERS": users, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_CALLBACKS": "3 per minute"})
    ann, ben = app.server.test_client(), app.server.test_client()
    _sign_in(ann)
    assert [ann.post("/_dash-update-component", json=CALL).status_code for _ in range(4)] == [200, 200, 200, 429]
    _sign_in(ben, user="ben")  # same address (a council office), another officer: a budget of its own
    assert ben.post("/_dash-update-component", json=CALL).status_code == 200


def test_hu012_public_mode_never_shares_cache_keys_with_officers():
    officer = cache_config(config.load({"REDIS_URL": "redis://r:6379/0", "CACHE_KEY_PREFIX": "ev:"}))
    public_ = cache_config(config.load({"REDIS_URL": "redis://r:6379/0", "CACHE_KEY_PREFIX": "ev:", "APP_MODE": "public"}))
    assert officer["CACHE_KEY_PREFIX"] == "ev:" and public_["CACHE_KEY_PREFIX"] == "ev:public:"
