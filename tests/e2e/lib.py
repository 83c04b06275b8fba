"""Helpers of the chart's end-to-end tests: real Helm binaries, the real
`mcp-chart post-render`, YAML parsing that rejects duplicate keys, and views of
rendered Kubernetes objects (containers, argv as the kubelet will run it)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "mcp-server"
EXAMPLES = REPO / "examples"
VALUES = Path(__file__).resolve().parent / "values"
README = REPO / "README.md"
PLUGIN_DIR = REPO / "helm-plugin" / "mcp-chart"

# Files in examples/ that are not values files of the chart.
NOT_VALUES_EXAMPLES = {"gateway-http.yaml"}

RELEASE = "my-mcp"  # the release name of the README commands
FULLNAME = "my-mcp-mcp-server"
TRANSPORT_ANNOTATION = "mcp-chart/transport"
H4_FILENAME_ANNOTATION = "postrenderer.helm.sh/postrender-filename"
GATEWAY_API_GROUP = "gateway.networking.k8s.io"


# --------------------------------------------------------------------------
# tools


class ToolMissing(RuntimeError):
    """A tool the tests need is not installed: the suite fails, it never skips."""


def require_file(path: Path, what: str) -> Path:
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ToolMissing(
            f"{what} not found at {path}: run tests/e2e/run.sh (it installs the tools "
            "with scripts/install-tools.sh and builds mcp-chart)"
        )
    return path


def cache_dir() -> Path:
    return Path(os.environ.get("MCP_CHART_CACHE", REPO / ".cache"))


@dataclass(frozen=True)
class Helm:
    """One real Helm binary and the flavour of its post-renderer wiring."""

    name: str  # helm3.17, helm3.18, helm4
    major: int
    validator: str  # the JSON Schema library it validates values with

    @property
    def path(self) -> Path:
        return require_file(cache_dir() / "bin" / self.name, f"Helm binary {self.name}")


HELMS = [
    Helm("helm3.17", 3, "gojsonschema"),
    Helm("helm3.18", 3, "gojsonschema"),
    Helm("helm4", 4, "santhosh-tekuri"),
]
HELM_BY_NAME = {h.name: h for h in HELMS}


def run(argv, *, env=None, cwd=REPO, input_text=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=env,
        input=input_text,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --------------------------------------------------------------------------
# the README's commands (the tests run exactly these)


@dataclass
class ReadmeCommands:
    helm3_template: list[str]
    helm3_install: list[str]
    helm4_plugin_install: list[str]
    helm4_template: list[str]
    helm4_install: list[str]
    lines: list[str] = field(default_factory=list)


def readme_commands() -> ReadmeCommands:
    text = README.read_text()
    m = re.search(
        r"<!-- e2e:helm-commands:begin -->\s*```sh\n(.*?)```\s*<!-- e2e:helm-commands:end -->",
        text,
        re.S,
    )
    if not m:
        raise AssertionError("README.md has no <!-- e2e:helm-commands:begin/end --> sh block")
    section = None
    found: dict[str, list[str]] = {}
    lines = []
    for raw in m.group(1).splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if re.match(r"#\s*Helm 3\b", line):
                section = "helm3"
            elif re.match(r"#\s*Helm 4\b", line):
                section = "helm4"
            continue
        lines.append(line)
        argv = shlex.split(line)
        assert argv[0] == "helm", f"README command does not start with helm: {line}"
        assert section, f"README command before any '# Helm 3' / '# Helm 4' comment: {line}"
        verb = "plugin_install" if argv[1:3] == ["plugin", "install"] else argv[1]
        key = f"{section}_{verb}"
        assert key not in found, f"README has two {key} commands"
        found[key] = argv
    try:
        return ReadmeCommands(
            helm3_template=found["helm3_template"],
            helm3_install=found["helm3_install"],
            helm4_plugin_install=found["helm4_plugin_install"],
            helm4_template=found["helm4_template"],
            helm4_install=found["helm4_install"],
            lines=lines,
        )
    except KeyError as e:
        raise AssertionError(f"README block lacks the {e.args[0]} command") from None


def with_values(argv: list[str], values_files, extra=()) -> list[str]:
    """The README argv with its `-f values.yaml` replaced by the given files."""
    out: list[str] = []
    i = 0
    replaced = False
    while i < len(argv):
        if argv[i] in ("-f", "--values") and i + 1 < len(argv) and argv[i + 1] == "values.yaml":
            for f in values_files:
                out += ["-f", str(f)]
            replaced = True
            i += 2
            continue
        out.append(argv[i])
        i += 1
    assert replaced, f"no '-f values.yaml' in README command {argv}"
    return out + list(extra)


# --------------------------------------------------------------------------
# YAML


class DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


class StrictLoader(yaml.SafeLoader):
    """SafeLoader (YAML 1.1, like Kubernetes) that fails on duplicate mapping keys
    instead of silently keeping the last one."""


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise DuplicateKeyError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r} (first at line {seen[key].line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_docs(text: str) -> list[dict]:
    """All non-empty documents of a manifest stream; duplicate keys fail."""
    docs = [d for d in yaml.load_all(text, Loader=StrictLoader) if d is not None]
    for d in docs:
        assert isinstance(d, dict), f"a document is not a mapping: {d!r}"
    return docs


def split_raw_docs(text: str) -> list[str]:
    """The raw text of each document of a stream (separators removed)."""
    parts = re.split(r"(?m)^---[ \t]*$\n?", text)
    return [p for p in parts if p.strip() and not all(
        ln.strip().startswith("#") or not ln.strip() for ln in p.splitlines())]


# --------------------------------------------------------------------------
# rendered objects


def kn(doc: dict) -> tuple[str, str]:
    return doc.get("kind"), (doc.get("metadata") or {}).get("name")


def find(docs, kind, name=None) -> dict:
    hits = [d for d in docs if d.get("kind") == kind and (name is None or kn(d)[1] == name)]
    assert len(hits) == 1, f"expected one {kind}/{name or '*'}, found {[kn(d) for d in docs]}"
    return hits[0]


def find_all(docs, kind) -> list[dict]:
    return [d for d in docs if d.get("kind") == kind]


def annotations(doc: dict) -> dict:
    return (doc.get("metadata") or {}).get("annotations") or {}


def is_hook(doc: dict) -> bool:
    return "helm.sh/hook" in annotations(doc)


def pod_spec(doc: dict) -> dict:
    if doc["kind"] == "Pod":
        return doc["spec"]
    return doc["spec"]["template"]["spec"]


def containers(doc: dict) -> dict[str, dict]:
    return {c["name"]: c for c in pod_spec(doc).get("containers") or []}


def k8s_expand(s: str, env: dict[str, str] | None = None) -> str:
    """What the kubelet passes to the process for a command/args item: `$$` is a
    literal `$`, `$(VAR)` is the container env var VAR when defined (else kept)."""
    env = env or {}
    out = []
    i = 0
    while i < len(s):
        if s.startswith("$$", i):
            out.append("$")
            i += 2
        elif s.startswith("$(", i):
            j = s.find(")", i)
            name = s[i + 2 : j] if j > 0 else None
            if name is not None and name in env:
                out.append(env[name])
                i = j + 1
            else:
                out.append(s[i : (j + 1 if j > 0 else len(s))])
                i = j + 1 if j > 0 else len(s)
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


@dataclass
class ExecView:
    """How a container's process starts: optional setup script, then the argv."""

    script: str | None  # the `sh -c` script (steps + exec "$@"), or None
    argv: list[str]  # what finally runs (exec'd by the script, or directly)


SHELLS = {"sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash"}


def exec_view(container: dict) -> ExecView:
    env = {e["name"]: e["value"] for e in container.get("env") or [] if "value" in e}
    items = [k8s_expand(str(x), env) for x in (container.get("command") or []) + (container.get("args") or [])]
    if len(items) >= 3 and items[0] in SHELLS and items[1].startswith("-") and "c" in items[1]:
        # sh -c SCRIPT [$0 [argv...]]
        return ExecView(script=items[2], argv=items[4:])
    return ExecView(script=None, argv=items)


def script_lines(script: str) -> list[str]:
    return [ln for ln in script.split("\n") if ln.strip()]


def port_value(argv: list[str], flag_names) -> str | None:
    for i, a in enumerate(argv):
        for f in flag_names:
            if a == f and i + 1 < len(argv):
                return argv[i + 1]
            if a.startswith(f + "="):
                return a.split("=", 1)[1]
    return None


def servers_json(cm: dict) -> dict:
    data = cm.get("data") or {}
    assert "servers.json" in data, f"ConfigMap {kn(cm)} has no servers.json key: {list(data)}"
    return json.loads(data["servers.json"])


def parse_duration(d: str) -> float:
    """Gateway API Duration (GEP-2257) in seconds."""
    assert re.fullmatch(r"([0-9]{1,5}(h|m|s|ms)){1,4}", d), f"not a Gateway API duration: {d!r}"
    mult = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(int(n) * mult[u] for n, u in re.findall(r"([0-9]+)(ms|h|m|s)", d))


def normalise_h4(docs: list[dict]) -> list[dict]:
    """Drop Helm 4's filename annotation (and the annotations map it leaves empty),
    and sort the documents, so Helm 3 and Helm 4 outputs can be compared."""
    out = []
    for d in docs:
        d = json.loads(json.dumps(d))
        md = d.get("metadata") or {}
        ann = md.get("annotations")
        if isinstance(ann, dict) and H4_FILENAME_ANNOTATION in ann:
            del ann[H4_FILENAME_ANNOTATION]
            if not ann:
                del md["annotations"]
        out.append(d)
    return sorted(out, key=lambda d: json.dumps(kn(d)))


def which(name: str) -> str | None:
    return shutil.which(name)


# --------------------------------------------------------------------------
# running a rendered container's command locally, with stand-in executables


@dataclass
class LocalRun:
    returncode: int
    stdout: str
    stderr: str
    calls: dict[str, list[list[str]]]  # stand-in name -> argv of each call (argv[0] excluded)
    order: list[str]  # stand-ins in the order they were called


def run_container_locally(container: dict, tmp: Path, stand_ins, env=None, timeout=30) -> LocalRun:
    """Run a container's command/args (after the kubelet's `$(VAR)`/`$$`
    expansion) with a real `sh`, where each name in `stand_ins` is an executable
    that records its arguments and exits 0. Shows what really runs, in which
    order and with which argv, without the image."""
    bindir = tmp / "stand-ins"
    logdir = tmp / "calls"
    bindir.mkdir(parents=True, exist_ok=True)
    logdir.mkdir(parents=True, exist_ok=True)
    for name in stand_ins:
        exe = bindir / name
        # one file per call, numbered in call order; arguments NUL-terminated
        exe.write_text(
            "#!/bin/sh\n"
            f"n=$(ls '{logdir}' | wc -l)\n"
            f"printf '%s\\0' \"$@\" > '{logdir}/'$(printf '%04d' \"$n\")'-{name}'\n"
        )
        exe.chmod(0o755)
    cenv = {e["name"]: e["value"] for e in container.get("env") or [] if "value" in e}
    argv = [k8s_expand(str(x), cenv) for x in (container.get("command") or []) + (container.get("args") or [])]
    assert argv, "the container has no command: it would run the image's entrypoint"
    if os.path.basename(argv[0]) in stand_ins:
        argv[0] = os.path.basename(argv[0])
    penv = {"PATH": f"{bindir}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp)}
    penv.update(cenv)
    penv.update(env or {})
    r = subprocess.run(argv, cwd=tmp, env=penv, capture_output=True, text=True, timeout=timeout)
    calls: dict[str, list[list[str]]] = {name: [] for name in stand_ins}
    for f in sorted(logdir.iterdir()):
        name = f.name.split("-", 1)[1]
        calls[name].append(f.read_text().split("\0")[:-1])
    order = [f.name.split("-", 1)[1] for f in sorted(logdir.iterdir())]
    return LocalRun(r.returncode, r.stdout, r.stderr, calls, order)
