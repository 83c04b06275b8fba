"""Every post-rendered output (every case, every Helm) validates with
`kubernetes-validate --strict` against Kubernetes 1.31 (the chart's
kubeVersion floor) and the newest version the tool ships, and every Gateway API
object validates with tools/validate-gateway-api.mjs. kubernetes-validate has no
schemas for CRDs (it only warns), so HTTPRoutes are checked by the second tool,
and the test asserts that nothing else was skipped."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cases import ALL_CASES
from lib import GATEWAY_API_GROUP, HELMS, REPO, ToolMissing, cache_dir, load_docs, require_file

K8S_FLOOR = "1.31.0"


def kubernetes_validate() -> Path:
    return require_file(cache_dir() / "venv" / "bin" / "kubernetes-validate", "kubernetes-validate")


def newest_k8s() -> str:
    """The newest Kubernetes version kubernetes-validate ships schemas for."""
    py = require_file(cache_dir() / "venv" / "bin" / "python", "the tools venv")
    r = subprocess.run(
        [py, "-c", "import kubernetes_validate.utils as u; print(u.latest_version())"],
        capture_output=True, text=True, check=True,
    )
    return r.stdout.strip()


@pytest.fixture(scope="module")
def outputs(world, tmp_path_factory) -> dict[Path, list[dict]]:
    """Every distinct post-rendered output (all cases, all Helm versions), written
    to a file, with its parsed documents. Byte-identical outputs (Helm 3.17 and
    3.18 agree byte for byte) are validated once; the file name lists who made it."""
    d = tmp_path_factory.mktemp("outputs")
    by_text: dict[str, list[str]] = {}
    for case in ALL_CASES:
        for h in HELMS:
            r = world.render(h.name, case.files).ok()
            by_text.setdefault(r.stdout, []).append(f"{case.name}.{h.name}")
    out = {}
    for text, names in by_text.items():
        p = d / f"{names[0]}{'+' + str(len(names) - 1) if len(names) > 1 else ''}.yaml"
        p.write_text(text)
        out[p] = load_docs(text)
    assert len(out) >= 2 * len(ALL_CASES), "Helm 4 output should differ in bytes from Helm 3's"
    return out


@pytest.fixture(scope="module")
def kubernetes_validate_runs(outputs) -> dict[str, subprocess.CompletedProcess]:
    """kubernetes-validate --strict over every output, for 1.31 and the newest
    version, both runs side by side."""
    tool = kubernetes_validate()
    files = sorted(outputs)
    versions = {K8S_FLOOR: K8S_FLOOR, "newest": newest_k8s()}
    procs = {
        key: subprocess.Popen(
            [tool, "--strict", "-k", v, *files], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for key, v in versions.items()
    }
    runs = {}
    for key, p in procs.items():
        out, err = p.communicate(timeout=600)
        runs[key] = subprocess.CompletedProcess(p.args, p.returncode, out, err)
    return runs


def is_gateway_api(doc: dict) -> bool:
    return str(doc.get("apiVersion", "")).split("/")[0] == GATEWAY_API_GROUP


@pytest.mark.parametrize("version", [K8S_FLOOR, "newest"])
def test_kubernetes_validate_strict(outputs, kubernetes_validate_runs, version):
    r = kubernetes_validate_runs[version]
    if version == "newest":
        version = newest_k8s()
        assert tuple(map(int, version.split("."))) > (1, 31), version
    files = sorted(outputs)
    out = r.stdout + r.stderr
    assert r.returncode == 0, f"kubernetes-validate --strict -k {version} failed:\n{out}"
    major_minor = ".".join(version.split(".")[:2])
    problems = []
    for f in files:
        docs = outputs[f]
        core = [d for d in docs if not is_gateway_api(d)]
        passed = re.findall(
            rf"^INFO {re.escape(str(f))} passed for resource (\S+) against version {re.escape(major_minor)}$",
            out, re.M,
        )
        want = sorted(f"{d['kind'].lower()}/{d['metadata']['name']}" for d in core)
        if sorted(passed) != want:
            problems.append(f"{f.name}: passed {sorted(passed)}, want {want}")
        skipped = re.findall(rf"^WARN {re.escape(str(f))} Couldn't find schema for kind (\S+) with api version (\S+)", out, re.M)
        for kind, api in skipped:
            if api.split("/")[0] != GATEWAY_API_GROUP:
                problems.append(f"{f.name}: kubernetes-validate skipped {api} {kind}")
        gw = sorted(d["kind"] for d in docs if is_gateway_api(d))
        if sorted(k for k, _ in skipped) != gw:
            problems.append(f"{f.name}: skipped {skipped}, Gateway API objects {gw}")
    assert not problems, "\n".join(problems)


def test_gateway_api_objects_validate(outputs):
    node = shutil.which("node")
    if not node:
        raise ToolMissing("node is not on PATH (tools/validate-gateway-api.mjs needs it)")
    script = REPO / "tools" / "validate-gateway-api.mjs"
    if not (REPO / "tools" / "node_modules" / "@kubernetes-models" / "gateway-api").is_dir():
        raise ToolMissing("tools/node_modules lacks @kubernetes-models/gateway-api: run scripts/install-tools.sh node")
    files = sorted(f for f, docs in outputs.items() if any(is_gateway_api(d) for d in docs))
    assert len(files) >= 2 * 5, f"expected HTTPRoutes from several cases, got {files}"
    r = subprocess.run([node, script, *files], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    want = sum(1 for f in files for d in outputs[f] if is_gateway_api(d))
    oks = re.findall(r"^ok HTTPRoute/\S+$", r.stdout, re.M)
    assert len(oks) == want, r.stdout
    assert "invalid" not in r.stdout
