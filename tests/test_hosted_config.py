"""Start-up checks: a hosted app without SECRET_KEY (or a sign-in method) refuses to start, and says why."""

from __future__ import annotations

import subprocess
import sys

import pytest

from config import ConfigError, is_hosted, load, parse_users
from tests.hosted_server import BIN, ROOT, free_port, hosted_env


def test_hc001_gunicorn_refuses_hosted_start_without_secret_key(tmp_path):
    env = hosted_env("sqlite:///" + str(tmp_path / "x.sqlite"), None, PORT=str(free_port()))
    del env["SECRET_KEY"]
    proc = subprocess.run([str(BIN / "gunicorn"), "app:server", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "SECRET_KEY is not set: a hosted app refuses to start without it" in proc.stderr + proc.stdout


def test_hc002_import_refuses_too():
    """The same check guards any other server that imports the app (not only gunicorn's config)."""
    env = {"HOSTED": "1", "APP_USERS": "", "PATH": "/usr/bin:/bin"}
    code = "import app"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0 and "SECRET_KEY is not set" in proc.stderr


@pytest.mark.parametrize("env, hosted", [({}, False), ({"DYNO": "web.1"}, True), ({"HOSTED": "1"}, True),
                                         ({"HOSTED": "0", "DYNO": "web.1"}, False)])
def test_hc003_hosted_detection(env, hosted):
    assert is_hosted(env) is hosted


def test_hc004_every_problem_named_at_once():
    with pytest.raises(ConfigError) as err:
        load({"HOSTED": "1", "APP_MODE": "kiosk", "PUBLIC_MIN_COUNT": "two", "DASH_DEBUG": "true"})
    msg = str(err.value)
    for part in ("APP_MODE='kiosk'", "PUBLIC_MIN_COUNT='two'", "SECRET_KEY is not set", "debug must be off",
                 "DATABASE_URL is not set"):
        assert part in msg
    with pytest.raises(ConfigError, match="REDIS_URL has scheme 'http'"):
        load({"REDIS_URL": "http://cache:6379"})


def test_hc005_hosted_officer_needs_a_signin_method():
    with pytest.raises(ConfigError, match="needs a sign-in method"):
        load({"HOSTED": "1", "SECRET_KEY": "k" * 40, "DATABASE_URL": "postgres://db/ev"})
    cfg = load({"HOSTED": "1", "SECRET_KEY": "k" * 40, "APP_MODE": "public", "DATABASE_URL": "postgres://db/ev"})
    assert cfg.mode == "public" and not cfg.auth_required and cfg.public_min_count == 5


def test_hc006_users_and_oidc_parsing():
    from werkzeug.security import generate_password_hash

    h = generate_password_hash("pw")
    assert parse_users(f"ann:{h}, bob:{h}") == {"ann": h, "bob": h}
    with pytest.raises(ConfigError, match="not 'name:hash'"):
        parse_users("ann:plaintext")
    with pytest.raises(ConfigError, match="OIDC_CLIENT_ID"):
        load({"OIDC_DISCOVERY_URL": "https://login.example/v2.0/.well-known/openid-configuration"})
    cfg = load({"HOSTED": "1", "SECRET_KEY": "k" * 40, "DATABASE_URL": "postgres://db/ev",
                "OIDC_DISCOVERY_URL": "https://idp/.well-known/x",
                "OIDC_CLIENT_ID": "id", "OIDC_CLIENT_SECRET": "s", "OIDC_ALLOWED_DOMAINS": "Camden.gov.uk"})
    assert cfg.auth_required and cfg.oidc.allowed_domains == ("camden.gov.uk",)


def test_hc007_env_example_documents_every_variable():
    import re

    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    sources = [ROOT / "config.py", ROOT / "gunicorn.conf.py", *sorted((ROOT / "web").glob("*.py"))]
    read = set()
    for path in sources:
        read |= set(re.findall(r"""(?:environ|env)\.get\(\s*["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
        read |= set(re.findall(r"""_(?:flag|int)\(env, ["']([A-Z][A-Z0-9_]+)["']""", path.read_text()))
    assert read - documented == set()


def test_hc008_hash_command_makes_a_usable_app_users_entry():
    from werkzeug.security import check_password_hash

    proc = subprocess.run([sys.executable, "-m", "web.auth", "hash", "alice"], cwd=ROOT, input="s3cret\n",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    users = parse_users(proc.stdout.strip())
    assert check_password_hash(users["alice"], "s3cret")
