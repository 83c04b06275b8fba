"""The checks a running gateway must pass. Each raises AssertionError on failure.

Shared by the tests (which expect them to pass) and the negative tests (which
corrupt the rendered container and expect at least one to fail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import client
from .cases import Case, Server
from .harness import Gateway, GatewayPod, Launch

TRANSPORTS = ("sse", "mcp")
NOT_LISTED_ORIGIN = "https://not-listed.invalid"


@dataclass
class Running:
    case: Case
    gateway: Gateway
    launch: Launch
    pod: GatewayPod

    @property
    def base_url(self) -> str:
        return self.gateway.base_url

    def local_dir(self, container_path: str | None) -> Path:
        """Where a container directory lives in the materialised pod."""
        if not container_path:
            return self.launch.cwd
        return self.launch.root / container_path.lstrip("/")

    def url(self, server: Server, transport: str) -> str:
        prefix = "" if server.name is None else f"/servers/{server.name}"
        return f"{self.base_url}{prefix}/{transport}"


# --------------------------------------------------------------------------- /status


def check_status(run: Running) -> None:
    enabled, _ = run.case.named()
    want = {s.name for s in enabled}
    if run.case.default() is not None:
        want.add("default")
    got = client.status(run.base_url)
    instances = got.get("server_instances")
    assert isinstance(instances, dict), f"/status has no server_instances: {got!r}"
    assert set(instances) == want, f"/status lists {sorted(instances)}, expected {sorted(want)}"
    assert all(v == "configured" for v in instances.values()), instances


# --------------------------------------------------------------------------- MCP sessions


def check_server(run: Running, server: Server, transport: str) -> None:
    """Initialise, list tools and call one tool with a checked result."""
    url = run.url(server, transport)
    expected_cwd = str(run.local_dir(server.cwd))

    async def check(s: client.McpSession) -> None:
        assert s.init.serverInfo is not None, f"{url}: no serverInfo"
        tools = await s.tool_names()
        kind = server.kind
        if kind == "time":
            assert "get_current_time" in tools, f"{url}: tools {sorted(tools)}"
            r = await s.call("get_current_time", {"timezone": "UTC"})
            assert not r.is_error, f"{url}: get_current_time failed: {r.text}"
            data = r.json()
            assert data["timezone"] == "UTC", f"{url}: {data!r}"
            assert data["datetime"][:2] == "20", f"{url}: {data!r}"
        elif kind == "fetch":
            # calling it would need the network: the listed tool proves the server runs
            assert "fetch" in tools, f"{url}: tools {sorted(tools)}"
        elif kind == "everything":
            assert {"echo", "get-env"} <= tools, f"{url}: tools {sorted(tools)}"
            message = f"hello {server.label} over {transport}: \"q\" $(x) ;"
            r = await s.call("echo", {"message": message})
            assert not r.is_error and r.text == f"Echo: {message}", f"{url}: echo gave {r.text!r}"
            r = await s.call("get-env")
            env = r.json()
            _check_env(url, env.get, server)
        elif kind == "probe":
            assert {"argv", "env", "cwd"} <= tools, f"{url}: tools {sorted(tools)}"
            r = await s.call("argv")
            assert r.json() == server.args, (
                f"{url}: the server got argv {r.json()!r}, the values say {server.args!r}"
            )
            values: dict[str, str | None] = {}
            for name in {**server.inherited, **server.env}:
                values[name] = (await s.call("env", {"name": name})).json()
            _check_env(url, values.get, server)
            r = await s.call("cwd")
            assert r.json() == expected_cwd, f"{url}: cwd {r.json()!r}, expected {expected_cwd!r}"
        else:
            raise AssertionError(f"no check for {kind}")

    client.run_session(url, transport, check)


def _check_env(url: str, get, server: Server) -> None:
    for name, want in server.env.items():
        got = get(name)
        assert got == want, f"{url}: env {name}={got!r}, the values say {want!r}"
    for name, want in server.inherited.items():
        got = get(name)
        if want is None:
            assert got is None, f"{url}: env {name}={got!r} reached the server (should not)"
        else:
            assert got == want, f"{url}: inherited env {name}={got!r}, expected {want!r}"


# --------------------------------------------------------------------------- not served


def check_not_served(run: Running, path: str) -> None:
    r = client.get(f"{run.base_url}{path}", headers={"Accept": "text/event-stream"})
    assert r.status_code == 404, f"GET {path}: {r.status_code}, expected 404"


def check_disabled(run: Running) -> None:
    _, disabled = run.case.named()
    for name in disabled:
        for transport in TRANSPORTS:
            check_not_served(run, f"/servers/{name}/{transport}")


# --------------------------------------------------------------------------- CORS


def check_cors(run: Running) -> None:
    origins = run.case.origins
    enabled, _ = run.case.named()
    paths = ["/status"]
    if enabled:
        paths.append(f"/servers/{enabled[0].name}/mcp")
    if run.case.default() is not None:
        paths.append("/mcp")
    wildcard = origins == ["*"]
    probe_origins = ["https://any.example.com"] if wildcard else origins
    for origin in probe_origins:
        want = "*" if wildcard else origin
        for path in paths:
            pre = client.options(
                f"{run.base_url}{path}",
                {
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type, mcp-session-id",
                },
            )
            got = pre.headers.get("access-control-allow-origin")
            assert pre.status_code == 200 and got == want, (
                f"preflight OPTIONS {path} Origin {origin}: {pre.status_code}, "
                f"access-control-allow-origin {got!r}, expected {want!r}"
            )
        r = client.get(f"{run.base_url}/status", headers={"Origin": origin})
        got = r.headers.get("access-control-allow-origin")
        assert got == want, f"GET /status Origin {origin}: access-control-allow-origin {got!r}"
        exposed = (r.headers.get("access-control-expose-headers") or "").lower()
        assert "mcp-session-id" in exposed, f"Mcp-Session-Id not exposed: {exposed!r}"
    if not wildcard:
        r = client.get(f"{run.base_url}/status", headers={"Origin": NOT_LISTED_ORIGIN})
        got = r.headers.get("access-control-allow-origin")
        assert got is None, f"an origin not listed got access-control-allow-origin {got!r}"


def all_checks(run: Running) -> None:
    """Everything, in order; the first failure raises."""
    check_status(run)
    enabled, _ = run.case.named()
    default = run.case.default()
    for server in enabled + ([default] if default else []):
        for transport in TRANSPORTS:
            check_server(run, server, transport)
    if default is None:
        for transport in TRANSPORTS:
            check_not_served(run, f"/{transport}")
    check_disabled(run)
    check_cors(run)


def json_dumps(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)
