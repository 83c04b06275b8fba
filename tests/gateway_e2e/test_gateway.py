"""The injected gateway serves MCP: real Helm, the real post-renderer, the real
mcp-proxy and stdio servers, the real MCP client (DESIGN §7, §9; issue 6)."""

from __future__ import annotations

import re

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


def test_rendered_gateway_matches_the_values(running: Running) -> None:
    """What the harness ran is what DESIGN §7 says the post-renderer writes:
    all origins after one `--allow-origin`, the servers file in mcp-proxy's
    shape with `enabled: false` for disabled servers and string args/env."""
    case, pod = running.case, running.pod
    gw = case.gateway
    argv = pod.argv()
    assert pod.container.get("image") == gw.get("image", "ghcr.io/sparfenyuk/mcp-proxy:latest")
    ports = {p.get("name"): p.get("containerPort") for p in pod.container.get("ports") or []}
    assert ports.get("http") == running.gateway.port, f"ports {ports}"
    assert argv.count("--allow-origin") == 1, argv
    i = argv.index("--allow-origin")
    assert argv[i + 1 : i + 1 + len(case.origins)] == case.origins, argv
    servers = pod.servers_json()
    enabled, disabled = case.named()
    if not enabled and not disabled:
        assert servers is None and "--named-server-config" not in argv
        return
    assert servers is not None and "--named-server-config" in argv
    entries = servers["mcpServers"]
    assert set(entries) == {s.name for s in enabled} | set(disabled)
    for name in disabled:
        assert entries[name].get("enabled") is False, entries[name]
    for s in enabled:
        e = entries[s.name]
        assert e.get("enabled", True) is True, e
        assert e["command"] == s.command
        assert e.get("args", []) == s.args
        assert e.get("env", {}) == s.env


def test_setup_steps_ran_before_the_proxy(running: Running) -> None:
    """preStart wrote its files (with `$$`, `$(…)`, `$HOME` reaching the shell as
    written); the variables it exported are checked on the servers above."""
    markers = running.case.markers
    if not markers:
        pytest.skip("no setup steps in this case")
    home = running.launch.env["HOME"]
    for name, pattern in markers.items():
        path = running.launch.cwd / name
        assert path.is_file(), f"{name} not written by the setup steps in {running.launch.cwd}"
        text = path.read_text()
        regex = pattern.replace("{HOME}", re.escape(home))
        assert re.fullmatch(regex, text), f"{name}: {text!r} does not match {regex!r}"
