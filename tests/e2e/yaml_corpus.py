"""The YAML corpus (tests/fixtures/yaml-corpus/*.yaml) read by the real tools.

For each form it records what Kubernetes' reader (kubectl 1.37.1, `annotate
--local -o json`, offline), Helm 3.18 (`helm template` of a chart that emits the
document) and Helm 4.3.1 (the same, with a post-renderer plugin that captures
the stream Helm 4 hands it) do with it, in `<name>.oracle.json` next to the
form. The Rust test `crates/mcp-chart-core/tests/yaml_corpus.rs` compares the
project's reader with these records; `tests/e2e/test_yaml_corpus.py` re-runs the
tools and fails when a record no longer says what the tools say.

    python3 tests/e2e/yaml_corpus.py            # rewrite every record
    python3 tests/e2e/yaml_corpus.py --check    # compare, write nothing
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "fixtures" / "yaml-corpus"
# The annotation kubectl adds so that `annotate --local` prints the object; the
# record leaves it out again.
PROBE_KEY = "yaml-corpus.mcp-chart.test/probe"
H4_FILENAME = "postrenderer.helm.sh/postrender-filename"


def cache_dir() -> Path:
    return Path(os.environ.get("MCP_CHART_CACHE", REPO / ".cache"))


def tool(name: str) -> Path:
    path = cache_dir() / "bin" / name
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise RuntimeError(f"{name} not found at {path}: run scripts/install-tools.sh helm")
    return path


def forms() -> list[Path]:
    return sorted(CORPUS.glob("*.yaml"))


def first_error_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip().startswith("Error:") or line.strip().startswith("error:"):
            return line.strip()
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else ""


class Oracles:
    """The tools, each with its own isolated home under one temporary directory."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.kubectl = tool("kubectl")
        self.helm3 = tool("helm3.18")
        self.helm4 = tool("helm4")
        self.chart = tmp / "chart"
        (self.chart / "templates").mkdir(parents=True)
        (self.chart / "Chart.yaml").write_text("apiVersion: v2\nname: corpus\nversion: 0.1.0\n")
        (self.chart / "templates" / "doc.yaml").write_text('{{ .Files.Get "doc.yaml" }}')
        plugin = tmp / "capture-plugin"
        plugin.mkdir()
        (plugin / "plugin.yaml").write_text(
            "apiVersion: v1\ntype: postrenderer/v1\nname: capture\nversion: 0.1.0\n"
            "runtime: subprocess\nruntimeConfig:\n  platformCommand:\n"
            '    - command: sh\n      args: ["-c", "tee \\"$CAPTURE_FILE\\""]\n'
        )
        self.capture = tmp / "captured.yaml"
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KUBECONFIG": str(tmp / "none")}
        self.env = {}
        for name in ("kubectl", "helm3", "helm4"):
            home = tmp / f"home-{name}"
            self.env[name] = dict(
                base,
                HOME=str(home),
                HELM_DATA_HOME=str(home / "data"),
                HELM_CONFIG_HOME=str(home / "config"),
                HELM_CACHE_HOME=str(home / "cache"),
                CAPTURE_FILE=str(self.capture),
            )
        r = subprocess.run(
            [self.helm4, "plugin", "install", plugin],
            env=self.env["helm4"], capture_output=True, text=True, timeout=60,
        )
        if r.returncode != 0:
            raise RuntimeError(f"installing the capture plugin into Helm 4 failed: {r.stderr}")

    def kubectl_read(self, data: bytes) -> dict:
        """What Kubernetes' YAML reader makes of `data` (JSON), or its error."""
        path = self.tmp / "kubectl-input.yaml"
        path.write_bytes(data)
        r = subprocess.run(
            [self.kubectl, "annotate", "--local", "-f", path, f"{PROBE_KEY}=x", "-o", "json"],
            env=self.env["kubectl"], capture_output=True, timeout=60,
        )
        if r.returncode != 0:
            err = r.stderr.decode("utf-8", "replace").replace(str(path), "<form>")
            return {"ok": False, "error": first_error_line(err)}
        obj = json.loads(r.stdout)
        meta = obj.get("metadata") or {}
        notes = meta.get("annotations") or {}
        notes.pop(PROBE_KEY, None)
        if not notes:
            meta.pop("annotations", None)
        return {"ok": True, "json": obj}

    def helm_template(self, which: str, data: bytes) -> dict:
        (self.chart / "doc.yaml").write_bytes(data)
        helm = self.helm3 if which == "helm3" else self.helm4
        argv = [helm, "template", "r", self.chart]
        if which == "helm4":
            argv += ["--post-renderer", "capture"]
            self.capture.unlink(missing_ok=True)
        r = subprocess.run(argv, env=self.env[which], capture_output=True, timeout=60)
        if r.returncode != 0:
            err = r.stderr.decode("utf-8", "replace").replace(str(self.tmp), "<tmp>")
            return {"ok": False, "error": first_error_line(err)}
        out = {"ok": True}
        if which == "helm4":
            out["received"] = self.capture.read_text(encoding="utf-8", errors="replace")
        return out

    def record(self, form: Path) -> dict:
        data = form.read_bytes()
        rec = {
            "kubectl": self.kubectl_read(data),
            "helm3.18": self.helm_template("helm3", data),
            "helm4": self.helm_template("helm4", data),
        }
        if rec["helm4"]["ok"]:
            # What Kubernetes reads from the stream Helm 4 hands a post-renderer.
            received = rec["helm4"]["received"].encode()
            rec["helm4"]["kubectl"] = self.kubectl_read(received)
        return rec


def record_path(form: Path) -> Path:
    return form.with_suffix(".oracle.json")


def dump(rec: dict) -> str:
    return json.dumps(rec, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drift = []
    with tempfile.TemporaryDirectory() as tmp:
        oracles = Oracles(Path(tmp))
        for form in forms():
            text = dump(oracles.record(form))
            path = record_path(form)
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    drift.append(form.name)
            else:
                path.write_text(text, encoding="utf-8")
    for name in drift:
        print(f"record drifted from the tools: {name}", file=sys.stderr)
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
