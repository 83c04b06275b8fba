"""The injected gateway serves MCP: real Helm, the real post-renderer, the real
mcp-proxy and stdio servers, the real MCP client (DESIGN §7, §9; issue 6)."""

from __future__ import annotations

import pytest

from . import checks
from .checks import TRANSPORTS, Running


def test_status_lists_exactly_the_enabled_servers(running: Running) -> None:
    checks.check_status(running)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_named_servers(running: Running, transport: str, subtests) -> None:
    enabled, _ = running.case.named()
    if not enabled:
        pytest.skip("no named servers in this case")
    for server in enabled:
        with subtests.test(server=server.name):
            checks.check_server(running, server, transport)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_default_server(running: Running, transport: str) -> None:
    default = running.case.default()
    if default is None:
        checks.check_not_served(running, f"/{transport}")
    else:
        checks.check_server(running, default, transport)


def test_disabled_servers_are_not_served(running: Running) -> None:
    _, disabled = running.case.named()
    if not disabled:
        pytest.skip("no disabled servers in this case")
    checks.check_disabled(running)


def test_cors_allows_every_listed_origin(running: Running) -> None:
    checks.check_cors(running)
