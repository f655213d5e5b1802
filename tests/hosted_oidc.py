"""A small OpenID Connect provider on loopback (discovery, authorize, token, JWKS) for the sign-in tests."""

from __future__ import annotations

import json
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # authlib.jose announces its move to joserfc; it still signs fine
    from authlib.jose import JsonWebKey, jwt

CLIENT_ID, CLIENT_SECRET = "dashboard-client", "client-secret"


class FakeIdP:
    """Issues an RS256 id_token for ``email`` to whoever completes the authorize step."""

    def __init__(self, email: str = "officer@camden.gov.uk"):
        self.email = email
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
        self.codes: dict[str, dict] = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.discovery_url = f"{self.issuer}/.well-known/openid-configuration"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def metadata(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"], "response_types_supported": ["code"]}

    def authorize(self, query: dict) -> str:
        """The provider's answer to the browser: the redirect back to the app with a code."""
        code = f"code-{len(self.codes)}"
        self.codes[code] = {"nonce": query["nonce"][0], "client_id": query["client_id"][0]}
        return query["redirect_uri"][0] + "?" + urlencode({"code": code, "state": query["state"][0]})

    def token(self, form: dict) -> dict:
        grant = self.codes.pop(form["code"][0])
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "user-1", "aud": grant["client_id"], "iat": now, "exp": now + 300,
                  "nonce": grant["nonce"], "email": self.email}
        kid = self.key.as_dict()["kid"]
        id_token = jwt.encode({"alg": "RS256", "kid": kid}, claims, self.key).decode()
        return {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}

    def _handler(self):
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _json(self, body: dict, status: int = 200):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    return self._json(idp.metadata())
                if url.path == "/jwks":
                    return self._json({"keys": [idp.key.as_dict(is_private=False)]})
                if url.path == "/authorize":
                    self.send_response(302)
                    self.send_header("Location", idp.authorize(parse_qs(url.query)))
                    self.end_headers()
                    return None
                return self._json({"error": "not found"}, 404)

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                return self._json(idp.token(form))

        return Handler
