"""The WeChat and WeCom HTTP APIs over httpx: access tokens cached for every worker, errors
sorted into "try again" and "cannot"."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from redis.asyncio import Redis

from bot.delivery import TemporaryFailure

log = logging.getLogger(__name__)

TOKEN_INVALID = frozenset({40001, 40014, 42001})  # invalid, malformed, expired access token
BUSY = frozenset({-1, 45009, 45033})  # system busy, API frequency limit, too many concurrent
TOKEN_MARGIN = 300  # renew five minutes before WeChat's expiry
LOCK_SECONDS = 10


class ApiError(Exception):
    """The API refused the call (errcode != 0) for a reason retrying will not change."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """Where an access token comes from: GET <path>?<params>."""

    name: str  # cache key: which account's token
    path: str
    params: Mapping[str, str]


class Tokens:
    """Access tokens per account, fetched once and shared: in Redis (under a lock, so many
    workers fetch once) when configured, else in this process."""

    def __init__(self, api: Api, request: TokenRequest, redis: Redis | None = None) -> None:
        self.api = api
        self.request = request
        self.redis = redis
        self._local: tuple[str, float] | None = None
        self._lock = asyncio.Lock()

    @property
    def _key(self) -> str:
        return f"gridbot:token:{self.request.name}"

    async def get(self) -> str:
        """A valid access token (fetched when none is cached)."""
        cached = await self._cached()
        return cached if cached is not None else await self.refresh(None)

    async def refresh(self, stale: str | None) -> str:
        """Replace the cached token, unless another caller already replaced `stale`."""
        async with self._lock:
            if self.redis is None:
                return await self._refresh_here(stale)
            return await self._refresh_shared(stale)

    async def _cached(self) -> str | None:
        if self.redis is None:
            if self._local and self._local[1] > time.monotonic():
                return self._local[0]
            return None
        value = await self.redis.get(self._key)
        return value.decode() if isinstance(value, bytes) else value

    async def _refresh_here(self, stale: str | None) -> str:
        current = await self._cached()
        if current is not None and current != stale:
            return current
        token, lifetime = await self._fetch()
        self._local = (token, time.monotonic() + lifetime)
        return token

    async def _refresh_shared(self, stale: str | None) -> str:
        assert self.redis is not None
        lock = f"{self._key}:lock"
        deadline = time.monotonic() + LOCK_SECONDS
        while not await self.redis.set(lock, "1", nx=True, ex=LOCK_SECONDS):
            current = await self._cached()  # another worker is fetching: wait for its token
            if current is not None and current != stale:
                return current
            if time.monotonic() > deadline:
                raise TemporaryFailure(f"access token for {self.request.name} not renewed")
            await asyncio.sleep(0.05)
        try:
            current = await self._cached()
            if current is not None and current != stale:
                return current
            token, lifetime = await self._fetch()
            await self.redis.set(self._key, token, ex=max(int(lifetime), 1))
            return token
        finally:
            await self.redis.delete(lock)

    async def _fetch(self) -> tuple[str, float]:
        data = await self.api.call("GET", self.request.path, params=self.request.params)
        token = str(data.get("access_token") or "")
        if not token:
            raise ApiError(0, f"no access_token in the answer for {self.request.name}")
        log.info("access token for %s renewed", self.request.name)
        return token, max(float(data.get("expires_in", 7200)) - TOKEN_MARGIN, 60.0)


class Api:
    """One platform's API root (GRIDBOT_WECHAT_API_URL / GRIDBOT_WECOM_API_URL): every call,
    access tokens included, goes there."""

    def __init__(self, root: str, http: httpx.AsyncClient) -> None:
        self.root = root.rstrip("/")
        self.http = http

    async def download(self, path: str, params: Mapping[str, str], tokens: Tokens) -> bytes:
        """GET a file (media/get): its bytes, or the JSON error raised as in `call`."""
        for attempt in (1, 2):
            token = await tokens.get()
            try:
                response = await self.http.get(
                    f"{self.root}{path}", params={**params, "access_token": token}
                )
            except httpx.HTTPError as exc:
                raise TemporaryFailure(f"{path}: {type(exc).__name__}: {exc}") from exc
            kind = response.headers.get("content-type", "")
            if response.status_code == 200 and not kind.startswith(("application/json", "text/")):
                return response.content
            try:
                data = response.json()
            except ValueError as exc:
                raise TemporaryFailure(f"{path}: HTTP {response.status_code}") from exc
            code = int(data.get("errcode") or 0)
            if code in TOKEN_INVALID and attempt == 1:
                await tokens.refresh(token)
                continue
            raise ApiError(code, str(data.get("errmsg", "")))
        raise AssertionError("unreachable")  # the loop returns or raises

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        payload: Mapping[str, Any] | None = None,
        tokens: Tokens | None = None,
    ) -> dict[str, Any]:
        """Call and return the JSON answer; a stale token is renewed once and the call
        repeated. Raises TemporaryFailure (network, busy) or ApiError."""
        for attempt in (1, 2):
            query = dict(params or {})
            token = await tokens.get() if tokens is not None else None
            if token is not None:
                query["access_token"] = token
            content = (
                json.dumps(payload, ensure_ascii=False).encode() if payload is not None else None
            )
            try:
                response = await self.http.request(
                    method,
                    f"{self.root}{path}",
                    params=query,
                    content=content,
                    headers={"Content-Type": "application/json; charset=utf-8"},
                )
                data = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                raise TemporaryFailure(f"{path}: {type(exc).__name__}: {exc}") from exc
            code = int(data.get("errcode") or 0) if isinstance(data, dict) else 0
            if code in TOKEN_INVALID and tokens is not None and token and attempt == 1:
                await tokens.refresh(token)
                continue
            if code in BUSY or response.status_code >= 500:
                raise TemporaryFailure(f"{path}: {code} {data.get('errmsg', '')}", 60.0)
            if code:
                raise ApiError(code, str(data.get("errmsg", "")))
            return data if isinstance(data, dict) else {}
        raise AssertionError("unreachable")  # the loop returns or raises
