"""The real MCP Python client (SSE and streamable HTTP) and plain HTTP probes,
all with bounded timeouts and no proxy from the environment."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx
from mcp import ClientSession
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

SESSION_TIMEOUT = 30.0  # one whole initialise / list / call round, seconds
HTTP_TIMEOUT = httpx.Timeout(10.0)


def _http_client(
    headers: dict[str, str] | None = None,
    timeout: httpx.Timeout | None = None,
    auth: httpx.Auth | None = None,
) -> httpx.AsyncClient:
    # trust_env=False: never route loopback traffic through a configured proxy
    return httpx.AsyncClient(
        headers=headers, timeout=timeout or HTTP_TIMEOUT, auth=auth, trust_env=False
    )


@dataclass
class ToolResult:
    text: str
    is_error: bool

    def json(self) -> Any:
        return json.loads(self.text)


class McpSession:
    """An initialised client session; ``call`` returns the tool's text."""

    def __init__(self, session: ClientSession, init: Any) -> None:
        self.session = session
        self.init = init

    async def tool_names(self) -> set[str]:
        result = await self.session.list_tools()
        return {t.name for t in result.tools}

    async def call(self, name: str, arguments: dict | None = None) -> ToolResult:
        result = await self.session.call_tool(name, arguments or {})
        texts = [c.text for c in result.content if getattr(c, "type", None) == "text"]
        return ToolResult("".join(texts), bool(result.isError))


Check = Callable[[McpSession], Awaitable[None]]


async def _run_sse(url: str, check: Check) -> None:
    async with sse_client(
        url, timeout=10, sse_read_timeout=SESSION_TIMEOUT, httpx_client_factory=_http_client
    ) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            await check(McpSession(session, init))


async def _run_streamable(url: str, check: Check) -> None:
    async with _http_client(timeout=httpx.Timeout(10.0, read=SESSION_TIMEOUT)) as http:
        async with streamable_http_client(url, http_client=http) as (read, write, _):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                await check(McpSession(session, init))


def run_session(url: str, transport: str, check: Check, timeout: float = SESSION_TIMEOUT) -> None:
    """Open an MCP session over ``transport`` (``sse`` or ``mcp``), initialise it
    and run ``check`` on it, all within ``timeout`` seconds."""
    runner = {"sse": _run_sse, "mcp": _run_streamable}[transport]

    async def main() -> None:
        with anyio.fail_after(timeout):
            await runner(url, check)

    try:
        anyio.run(main)
    except BaseExceptionGroup as group:  # task groups wrap what the check raised
        raise _first_leaf(group) from group


def _first_leaf(group: BaseExceptionGroup) -> BaseException:
    """The first exception of a (nested) group, preferring a failed assertion."""
    leaves: list[BaseException] = []
    todo: list[BaseException] = [group]
    while todo:
        exc = todo.pop(0)
        if isinstance(exc, BaseExceptionGroup):
            todo.extend(exc.exceptions)
        else:
            leaves.append(exc)
    for exc in leaves:
        if isinstance(exc, AssertionError):
            return exc
    return leaves[0]


def get(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A bounded GET that does not wait for a stream to end (SSE endpoints)."""
    with httpx.Client(timeout=HTTP_TIMEOUT, trust_env=False) as http:
        with http.stream("GET", url, headers=headers) as r:
            r.close()
            return r


def options(url: str, headers: dict[str, str]) -> httpx.Response:
    with httpx.Client(timeout=HTTP_TIMEOUT, trust_env=False) as http:
        return http.request("OPTIONS", url, headers=headers)


def status(base_url: str) -> dict:
    with httpx.Client(timeout=HTTP_TIMEOUT, trust_env=False) as http:
        r = http.get(f"{base_url}/status")
        r.raise_for_status()
        return r.json()
