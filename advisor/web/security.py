"""Safe by default: the consultant's password, CSRF tokens, request-size and rate limits, headers.

* The password is hashed with Argon2id (argon2-cffi); only the hash is stored.
* Every form carries the session's CSRF token (a random value kept in the signed session
  cookie); a POST without it, or with another, is refused with 403.
* Request bodies larger than :data:`MAX_BODY` get 413; a client sending more than the rate limit
  of requests a minute gets 429 (login attempts have a lower limit of their own).
* Pages are sent with a Content-Security-Policy that allows nothing from elsewhere, and with
  ``Referrer-Policy: no-referrer``, so that an informant's link never leaks in a Referer header.
"""

from __future__ import annotations

import collections
import ipaddress
import secrets
import time
from typing import Any, Awaitable, Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..core.i18n import LANGUAGES
from ..core.locale import FALLBACK

#: The workbench's language when a request asks for none: it serves Norwegian municipalities.
DEFAULT_LANGUAGE = "nb"

__all__ = [
    "MAX_BODY",
    "RATE_LIMIT",
    "LOGIN_LIMIT",
    "hash_password",
    "check_password",
    "csrf_token",
    "csrf_ok",
    "is_loopback",
    "LimitsMiddleware",
]

#: The largest request body accepted, in bytes (a profile is a few kilobytes).
MAX_BODY = 256 * 1024
#: Requests a minute from one client.
RATE_LIMIT = 600
#: Login attempts a minute from one client.
LOGIN_LIMIT = 10

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: dict[str, Any], sent: object) -> bool:
    token = session.get("csrf")
    return isinstance(token, str) and isinstance(sent, str) and secrets.compare_digest(token, sent)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'"
)


class LimitsMiddleware:
    """ASGI middleware: body size, rate limits and the security headers."""

    def __init__(
        self,
        app: Any,
        *,
        max_body: int = MAX_BODY,
        rate_limit: int = RATE_LIMIT,
        login_limit: int = LOGIN_LIMIT,
        message: Callable[[str, str], str],
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.rate_limit = rate_limit
        self.login_limit = login_limit
        self.message = message  # (lang, key) -> text
        self.hits: dict[tuple[str, str], collections.deque[float]] = collections.defaultdict(collections.deque)

    def _over(self, client: str, bucket: str, limit: int) -> bool:
        now = time.monotonic()
        hits = self.hits[(client, bucket)]
        while hits and hits[0] <= now - 60:
            hits.popleft()
        if len(hits) >= limit:
            return True
        hits.append(now)
        return False

    async def _refuse(self, send: Send, status: int, key: str, scope: dict[str, Any]) -> None:
        # No session is read here: the message is in the language the query asks for (else the
        # workbench's default), then in the default (or, after the default, in English).
        lang = DEFAULT_LANGUAGE
        for part in scope.get("query_string", b"").decode("latin-1").split("&"):
            name, _, value = part.partition("=")
            if name == "lang" and value in LANGUAGES:
                lang = value
        other = FALLBACK if lang == DEFAULT_LANGUAGE else DEFAULT_LANGUAGE
        text = f"{self.message(lang, 'error')} {status}: {self.message(lang, key)} / {self.message(other, key)}"
        body = text.encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        if self._over(client, "all", self.rate_limit) or (
            scope["method"] == "POST" and scope["path"] == "/login" and self._over(client, "login", self.login_limit)
        ):
            await self._refuse(send, 429, "too_many", scope)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await self._refuse(send, 413, "too_large", scope)
            return
        body = b""
        if scope["method"] in ("POST", "PUT", "PATCH"):
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_body:
                    await self._refuse(send, 413, "too_large", scope)
                    return
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                    (b"content-security-policy", _CSP.encode()),
                ]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await self.app(scope, replay, with_headers)
