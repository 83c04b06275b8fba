"""The test cases and what each one expects, derived from its values file.

The expectations come from the values the user wrote (and DESIGN §7), never from
the post-renderer's output: which named servers are enabled, which are not,
which command each one runs (and so which tool proves it works), the argv and
env a probe server must see, the origins CORS must allow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import k8s

VALUES_DIR = Path(__file__).resolve().parent / "values"

# Chart defaults the derivation needs (charts/mcp-server/values.yaml).
DEFAULT_ALLOW_ORIGINS = ["*"]
DEFAULT_PASS_ENVIRONMENT = True


@dataclass
class Server:
    """One server the gateway spawns: ``name`` is ``None`` for the default server."""

    name: str | None
    command: str
    args: list[str]
    env: dict[str, str]  # the server's own env (servers.json `env`, or `-e` for the default)
    # env vars the child must (value) or must not (None) see, beyond `env`
    inherited: dict[str, str | None] = field(default_factory=dict)
    cwd: str | None = None  # a container path; None = the gateway's working dir

    @property
    def kind(self) -> str:
        argv = [self.command, *self.args]
        if self.command == "mcp-server-time":
            return "time"
        if self.command == "mcp-server-fetch":
            return "fetch"
        if self.command == "mcp-e2e-probe":
            return "probe"
        if any("server-everything" in a for a in argv):
            return "everything"
        raise ValueError(f"no check for a server running {argv!r}")

    @property
    def label(self) -> str:
        return self.name or "(default)"


@dataclass
class Case:
    id: str
    values_file: str
    # what the child processes must additionally see (case-specific)
    extra_env: dict[str, str | None] = field(default_factory=dict)
    # files the setup steps must have written in the working directory: name ->
    # regex of the whole content (`{HOME}` stands for the container's $HOME)
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return VALUES_DIR / self.values_file

    @property
    def values(self) -> dict:
        return yaml.safe_load(self.path.read_text())

    @property
    def gateway(self) -> dict:
        return self.values["transport"]["stdioGateway"]

    @property
    def pass_environment(self) -> bool:
        return bool(self.gateway.get("passEnvironment", DEFAULT_PASS_ENVIRONMENT))

    @property
    def origins(self) -> list[str]:
        return list(self.gateway.get("allowOrigins", DEFAULT_ALLOW_ORIGINS))

    @property
    def working_dir(self) -> str | None:
        return (self.values.get("container") or {}).get("workingDir") or None

    def container_env(self) -> dict[str, str]:
        """The gateway container's env as the kubelet computes it: the server
        container's `container.env`, then `stdioGateway.env`."""
        items = list((self.values.get("container") or {}).get("env") or [])
        items += list(self.gateway.get("env") or [])
        return k8s.container_env({"env": items}, {})

    def inherited(self) -> dict[str, str | None]:
        """Env every child sees (passEnvironment) or must not see (no passEnvironment)."""
        env = self.container_env()
        if self.pass_environment:
            out: dict[str, str | None] = dict(env)
        else:
            out = {k: None for k in env}
        out.update(self.extra_env)
        return out

    def named(self) -> tuple[list[Server], list[str]]:
        """(enabled named servers, names of disabled ones)."""
        gw = self.gateway
        enabled: list[Server] = []
        disabled: list[str] = []
        if gw.get("namedServersJson"):
            entries = json.loads(gw["namedServersJson"])["mcpServers"]
            for name, s in entries.items():
                if not s.get("enabled", True):
                    disabled.append(name)
                    continue
                enabled.append(
                    Server(
                        name,
                        s["command"],
                        [str(a) for a in s.get("args", [])],
                        {k: str(v) for k, v in (s.get("env") or {}).items()},
                    )
                )
        else:
            for name, s in (gw.get("servers") or {}).items():
                if s.get("disabled"):
                    disabled.append(name)
                    continue
                enabled.append(
                    Server(
                        name,
                        s["command"],
                        [str(a) for a in s.get("args") or []],
                        {e["name"]: str(e["value"]) for e in s.get("env") or []},
                    )
                )
        for s in enabled:
            s.inherited = {k: v for k, v in self.inherited().items() if k not in s.env}
            # values.yaml: `cwd` is the "working directory of the spawned servers"
            s.cwd = self.gateway.get("cwd") or self.working_dir
        return enabled, disabled

    def default(self) -> Server | None:
        """The default server (§7: `server.command`/`args`, else the command the
        chart renders for the mode)."""
        v = self.values
        srv = self.gateway.get("server") or {}
        if srv.get("command"):
            command, args = srv["command"], [str(a) for a in srv.get("args") or []]
        elif v.get("mode") == "node":
            node = v["node"]
            pkg = node["package"] + (f"@{node['version']}" if node.get("version") else "")
            command, args = "npx", ["-y", pkg, *[str(a) for a in node.get("args") or []]]
        elif v.get("mode") == "image":
            # the chart's image-mode argv (container.command/args override it),
            # as the kubelet expands it: the gateway copies it as rendered
            container = v.get("container") or {}
            image = v.get("image") or {}
            argv = [str(a) for a in container.get("command") or image.get("command") or []]
            argv += [str(a) for a in container.get("args") or image.get("args") or []]
            if not argv:
                return None
            argv = k8s.expand_argv(argv, self.container_env())
            command, args = argv[0], argv[1:]
        else:
            raise ValueError(f"{self.id}: derive the default server for this mode")
        env = {e["name"]: str(e["value"]) for e in srv.get("env") or []}
        s = Server(None, command, args, env)
        s.inherited = {k: val for k, val in self.inherited().items() if k not in env}
        s.cwd = srv.get("cwd") or self.gateway.get("cwd") or self.working_dir
        return s


CASES = [
    Case("named-servers", "named-servers.yaml"),
    Case("named-servers-json", "named-servers-json.yaml"),
    Case(
        "prestart",
        "prestart.yaml",
        extra_env={"E2E_PRESTART": "exported by preStart; sub-shell"},
        markers={"prestart-marker.txt": r"pid=[0-9]+ sub=ok home={HOME}\n"},
    ),
    Case("default-server-hostile", "default-server-hostile.yaml"),
    Case("named-servers-hostile", "named-servers-hostile.yaml"),
    Case(
        "node-mode-default",
        "node-mode-default.yaml",
        markers={"node-prestart.txt": r"node\.preStart ran: \$\(not-a-var\) {HOME}\n"},
    ),
    Case("image-mode-default", "image-mode-default.yaml"),
    Case("minimal", "minimal.yaml"),
]
CASE_IDS = [c.id for c in CASES]


def case(case_id: str) -> Case:
    return next(c for c in CASES if c.id == case_id)
