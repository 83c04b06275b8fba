"""Never silently broken: in stdio-gateway mode, the chart rendered WITHOUT the
post-renderer (a plain `helm install`, Argo CD or Flux without the recipes of
docs/gitops.md) gives a pod that never starts and says why, instead of a Ready
pod running a stdio server that nothing can reach. Rendered by real Helm 3.18
and 4.3.1; the guard's command runs in a real `sh`."""

from __future__ import annotations

import subprocess

import pytest

from cases import ALL_CASES, CASES_BY_NAME
from lib import cache_dir, find, pod_spec, require_file, run_container_locally

GUARD = "mcp-chart-post-renderer-required"
GATEWAY_CASES = [c.name for c in ALL_CASES if c.gateway]
OTHER_CASES = [c.name for c in ALL_CASES if not c.gateway]
RENDER_HELMS = ["helm3.18", "helm4"]


def deployment(world, helm, case, post_render):
    docs = world.render(helm, CASES_BY_NAME[case].files, post_render=post_render).ok().docs
    return find(docs, "Deployment")


def test_there_are_gateway_and_other_cases():
    assert len(GATEWAY_CASES) >= 3 and len(OTHER_CASES) >= 3


@pytest.mark.parametrize("helm", RENDER_HELMS)
@pytest.mark.parametrize("case", GATEWAY_CASES)
def test_without_post_renderer_the_pod_stops_and_names_the_fix(world, helm, case, tmp_path):
    spec = pod_spec(deployment(world, helm, case, post_render=False))
    inits = spec.get("initContainers") or []
    assert [c["name"] for c in inits] == [GUARD]
    guard = inits[0]
    # A plain init container (not a restartable sidecar): the app containers,
    # and so readiness, wait until it succeeds, which it never does.
    assert "restartPolicy" not in guard
    assert guard["terminationMessagePolicy"] == "FallbackToLogsOnError"
    ran = run_container_locally(guard, tmp_path, stand_ins=[])
    assert ran.returncode == 1
    assert ran.stdout == ""
    message = ran.stderr
    for fix in (
        "post-renderer did not run",
        "--post-renderer mcp-chart --post-renderer-args post-render",
        "helm plugin install ./helm-plugin/mcp-chart",
        "Config Management Plugin",
        "docs/gitops.md",
    ):
        assert fix in message, f"{fix!r} missing from the guard's message: {message}"
    # The server container is still the chart's (the post-renderer reads it).
    assert [c["name"] for c in spec["containers"]] == ["mcp-server"]


@pytest.mark.parametrize("helm", RENDER_HELMS)
@pytest.mark.parametrize("case", GATEWAY_CASES)
def test_the_post_renderer_removes_the_guard(world, helm, case):
    spec = pod_spec(deployment(world, helm, case, post_render=True))
    assert "initContainers" not in spec
    assert [c["name"] for c in spec["containers"]] == ["mcp-gateway"]


@pytest.mark.parametrize("case", OTHER_CASES)
def test_no_guard_outside_gateway_mode(world, case):
    spec = pod_spec(deployment(world, "helm4", case, post_render=False))
    assert "initContainers" not in spec


def test_guard_render_is_valid_kubernetes(world, tmp_path):
    """The unpost-rendered gateway stream (guard included) passes
    kubernetes-validate --strict at the chart's floor, 1.31."""
    tool = require_file(cache_dir() / "venv" / "bin" / "kubernetes-validate", "kubernetes-validate")
    files = []
    for case in GATEWAY_CASES:
        p = tmp_path / f"{case}.yaml"
        p.write_text(world.render("helm4", CASES_BY_NAME[case].files, post_render=False).ok().stdout)
        files.append(p)
    r = subprocess.run([tool, "--strict", "-k", "1.31.0", *files], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    passed = r.stdout.count("passed for resource deployment/")
    assert passed == len(GATEWAY_CASES), r.stdout
