"""Run the gateway container the post-renderer writes, for real, on loopback.

``render`` runs real Helm on ``charts/mcp-server`` with the ``mcp-chart``
post-renderer; ``GatewayPod.from_render`` extracts the gateway container, its
volumes and ConfigMaps; ``GatewayPod.materialise`` lays the pod's files out in
a temp dir and computes the exact argv, env and working directory the kubelet
would give the container; ``Gateway`` starts that process (and kills it, and
every process it started, by PID).

Every deviation from "what the kubelet would run" is listed in README.md
("Mappings").
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import k8s

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CACHE = Path(os.environ.get("MCP_CHART_CACHE") or REPO / ".cache")
VENV_BIN = CACHE / "venv" / "bin"
NODE_BIN = REPO / "tools" / "node_modules" / ".bin"
HELM = Path(os.environ.get("MCP_CHART_E2E_HELM") or CACHE / "bin" / "helm3.18")
MCP_CHART = Path(os.environ.get("MCP_CHART_BIN") or REPO / "target" / "debug" / "mcp-chart")
CHART = REPO / "charts" / "mcp-server"
SHIMS = HERE / "shims"

GATEWAY_CONTAINER = "mcp-gateway"
RENDER_TIMEOUT = 60
START_TIMEOUT = float(os.environ.get("MCP_CHART_E2E_START_TIMEOUT", "90"))
STOP_TIMEOUT = 5.0
LOOPBACK = "127.0.0.1"


class HarnessError(Exception):
    """The harness could not run the gateway (as opposed to a check failing)."""


# --------------------------------------------------------------------------- render


def free_port() -> int:
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def render(values_files: list[Path], workdir: Path, release: str = "e2e") -> str:
    """``helm template`` with the mcp-chart post-renderer (Helm 3 style)."""
    for tool in (HELM, MCP_CHART):
        if not os.access(tool, os.X_OK):
            raise HarnessError(f"{tool} is missing (run tests/gateway_e2e/run.sh)")
    helm_home = workdir / "helm-home"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(helm_home),
        "HELM_CACHE_HOME": str(helm_home / "cache"),
        "HELM_CONFIG_HOME": str(helm_home / "config"),
        "HELM_DATA_HOME": str(helm_home / "data"),
    }
    cmd = [str(HELM), "template", release, str(CHART)]
    for f in values_files:
        cmd += ["-f", str(f)]
    cmd += ["--post-renderer", str(MCP_CHART), "--post-renderer-args", "post-render"]
    proc = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=RENDER_TIMEOUT, check=False
    )
    if proc.returncode != 0:
        raise HarnessError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def loopback_values(port: int) -> dict:
    """The only way the harness moves the gateway to loopback: through the values."""
    return {"transport": {"stdioGateway": {"host": LOOPBACK, "port": port}}}


# --------------------------------------------------------------------------- the pod


@dataclass
class GatewayPod:
    """The gateway container and what it mounts, as rendered."""

    deployment: dict
    container: dict
    volumes: dict[str, dict]
    config_maps: dict[str, dict]

    @classmethod
    def from_render(cls, stream: str) -> GatewayPod:
        docs = [d for d in yaml.safe_load_all(stream) if d]
        deployments = [d for d in docs if d.get("kind") == "Deployment"]
        if len(deployments) != 1:
            raise HarnessError(f"expected one Deployment, found {len(deployments)}")
        deployment = deployments[0]
        pod = deployment["spec"]["template"]["spec"]
        containers = pod.get("containers") or []
        matches = [c for c in containers if c.get("name") == GATEWAY_CONTAINER]
        if len(matches) != 1:
            names = [c.get("name") for c in containers]
            raise HarnessError(f"no single {GATEWAY_CONTAINER!r} container in {names}")
        config_maps = {
            d["metadata"]["name"]: d for d in docs if d.get("kind") == "ConfigMap"
        }
        volumes = {v["name"]: v for v in pod.get("volumes") or []}
        return cls(deployment, matches[0], volumes, config_maps)

    def argv(self) -> list[str]:
        """command + args exactly as written in the manifest (before expansion)."""
        return [str(x) for x in (self.container.get("command") or [])] + [
            str(x) for x in (self.container.get("args") or [])
        ]

    def servers_json(self) -> dict | None:
        """The generated named-servers file, parsed, when the pod mounts one."""
        for mount in self.container.get("volumeMounts") or []:
            vol = self.volumes.get(mount["name"]) or {}
            cm_name = (vol.get("configMap") or {}).get("name")
            cm = self.config_maps.get(cm_name)
            if cm and "servers.json" in (cm.get("data") or {}):
                return json.loads(cm["data"]["servers.json"])
        return None

    def materialise(self, root: Path) -> Launch:
        """Lay the pod's files out under ``root`` and compute the process to run."""
        root.mkdir(parents=True, exist_ok=True)
        path_map: dict[str, Path] = {}
        for mount in self.container.get("volumeMounts") or []:
            target = root / mount["mountPath"].lstrip("/")
            self._write_volume(mount, target)
            path_map[mount["mountPath"].rstrip("/") or "/"] = target

        env = k8s.container_env(self.container, self.config_maps)
        argv = k8s.expand_argv(self.argv(), env)
        if not argv:
            raise HarnessError("the gateway container has no command (image entrypoint)")
        argv = [argv[0]] + [_remap(a, path_map) for a in argv[1:]]
        argv = _remap_cwd_args(argv, root)

        working_dir = self.container.get("workingDir")
        cwd = root / (working_dir.lstrip("/") if working_dir else "workdir")
        cwd.mkdir(parents=True, exist_ok=True)

        home = root / "home"
        home.mkdir(exist_ok=True)
        base = {
            # what the image and the runtime would provide
            "PATH": _search_path(root),
            "HOME": str(home),
            "LANG": "C.UTF-8",
            # keep npm/npx and Python from touching the user's caches
            "npm_config_cache": str(root / "npm-cache"),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        return Launch(argv=argv, env={**base, **env}, cwd=cwd, root=root, path_map=path_map)

    def _write_volume(self, mount: Mapping, target: Path) -> None:
        vol = self.volumes.get(mount["name"])
        if vol is None:
            raise HarnessError(f"volumeMount {mount['name']!r} has no volume")
        if "configMap" in vol:
            cm_name = vol["configMap"]["name"]
            cm = self.config_maps.get(cm_name)
            if cm is None:
                raise k8s.NotEmulated(f"ConfigMap {cm_name!r} is not in the render")
            data = {k: str(v) for k, v in (cm.get("data") or {}).items()}
            items = vol["configMap"].get("items")
            files = {i["path"]: data[i["key"]] for i in items} if items else data
            sub = mount.get("subPath")
            if sub:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(files[sub])
                target.chmod(0o444)
                return
            target.mkdir(parents=True, exist_ok=True)
            for rel, text in files.items():
                f = target / rel
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_text(text)
                f.chmod(0o444)  # mounted read-only
            return
        if "emptyDir" in vol:
            target.mkdir(parents=True, exist_ok=True)
            return
        raise k8s.NotEmulated(f"volume {vol!r}: only configMap and emptyDir are emulated")


def _remap(arg: str, path_map: Mapping[str, Path]) -> str:
    """Point a mounted path (whole argument, or the value of ``--opt=value``)
    at its materialised copy."""
    for mount, local in path_map.items():
        if arg == mount or arg.startswith(mount + "/"):
            return str(local) + arg[len(mount) :]
        if arg.startswith("--") and "=" in arg:
            opt, _, value = arg.partition("=")
            if value == mount or value.startswith(mount + "/"):
                return f"{opt}={local}{value[len(mount):]}"
    return arg


def _remap_cwd_args(argv: list[str], root: Path) -> list[str]:
    """``--cwd DIR`` names a directory of the image: create it under ``root``."""
    out = list(argv)
    proxy = _proxy_index(out)
    for i in range(proxy + 1, len(out) - 1):
        if out[i] == "--":
            break
        if out[i] == "--cwd" and out[i + 1].startswith("/"):
            local = root / out[i + 1].lstrip("/")
            local.mkdir(parents=True, exist_ok=True)
            out[i + 1] = str(local)
    return out


def _proxy_index(argv: list[str]) -> int:
    """Where ``mcp-proxy`` sits in the argv (0, or after a preStart ``sh -c``)."""
    for i, a in enumerate(argv):
        if os.path.basename(a) == "mcp-proxy":
            return i
    raise HarnessError(f"no mcp-proxy in the gateway argv {argv!r}")


def _search_path(root: Path) -> str:
    """Local installs standing in for the gateway image's PATH (README: Mappings)."""
    node = shutil.which("node")
    dirs = [SHIMS, VENV_BIN, NODE_BIN]
    if node:
        dirs.append(Path(node).parent)
    dirs += [Path("/usr/local/bin"), Path("/usr/bin"), Path("/bin")]
    seen: list[str] = []
    for d in dirs:
        if str(d) not in seen:
            seen.append(str(d))
    return os.pathsep.join(seen)


# --------------------------------------------------------------------------- process


@dataclass
class Launch:
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    root: Path
    path_map: dict[str, Path] = field(default_factory=dict)


class Gateway:
    """A running gateway process; ``stop`` kills it and its children by PID."""

    def __init__(self, launch: Launch, port: int, log_path: Path) -> None:
        self.launch = launch
        self.port = port
        self.base_url = f"http://{LOOPBACK}:{port}"
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self._known_pids: set[int] = set()

    def start(self, timeout: float = START_TIMEOUT) -> None:
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.launch.argv,
                env=self.launch.env,
                cwd=self.launch.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        deadline = time.monotonic() + timeout
        while True:
            self._known_pids |= descendants(self.proc.pid)
            if self.proc.poll() is not None:
                raise HarnessError(
                    f"the gateway exited with {self.proc.returncode} before serving:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/status", timeout=2) as r:
                    if r.status == 200:
                        self._known_pids |= descendants(self.proc.pid)
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.monotonic() > deadline:
                raise HarnessError(
                    f"no answer from {self.base_url}/status within {timeout:.0f}s:\n"
                    + self.log_tail()
                )
            time.sleep(0.2)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def child_pids(self) -> set[int]:
        if self.proc is None:
            return set()
        self._known_pids |= descendants(self.proc.pid)
        return set(self._known_pids)

    def stop(self) -> None:
        """SIGTERM the gateway's process group, then SIGKILL whatever is left:
        the group and every descendant seen (mcp-proxy starts its stdio servers
        in new sessions, so they are not in the group)."""
        if self.proc is None:
            return
        pids = self.child_pids()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=STOP_TIMEOUT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while pids and time.monotonic() < deadline:
            pids = {p for p in pids if _alive(p)}
            if pids:
                time.sleep(0.1)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self.proc = None


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def descendants(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out


@contextlib.contextmanager
def running(launch: Launch, port: int, log_path: Path) -> Iterator[Gateway]:
    gw = Gateway(launch, port, log_path)
    try:
        gw.start()
        yield gw
    finally:
        gw.stop()
