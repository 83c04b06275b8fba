"""helmfile: docs/gitops.md's recipe (gitops/helmfile/helmfile.yaml with
postRenderer / postRendererArgs) run with real helmfile 0.166.0 and Helm 3.18
gives what `helm template --post-renderer` gives; with Helm 4 that helmfile
cannot run at all (what the doc says)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from docs_recipes import recipe
from lib import EXAMPLES, HELM_BY_NAME, REPO, cache_dir, load_docs, normalise_h4, require_file


def helmfile() -> Path:
    return require_file(cache_dir() / "bin" / "helmfile", "helmfile (scripts/install-tools.sh helm)")


def env_with(world, helm: str, tmp_path: Path) -> dict:
    bindir = tmp_path / f"bin-{helm}"
    bindir.mkdir()
    (bindir / "helm").symlink_to(HELM_BY_NAME[helm].path)
    (bindir / "helmfile").symlink_to(helmfile())
    (bindir / "mcp-chart").symlink_to(world.mcp_chart)
    env = world.env(helm)
    env["PATH"] = f"{bindir}:/usr/bin:/bin"
    return env


def run_recipe(world, helm: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = "set -eu\n" + "\n".join(recipe("helmfile")) + "\n"
    return subprocess.run(["sh", "-c", script], cwd=REPO, env=env_with(world, helm, tmp_path),
                          capture_output=True, text=True, timeout=180)


def test_helmfile_recipe_equals_helm_post_renderer(world, tmp_path):
    r = run_recipe(world, "helm3.18", tmp_path)
    assert r.returncode == 0, r.stderr
    got = load_docs(r.stdout)
    argv = world.template_argv("helm3.18", [EXAMPLES / "stdio-gateway-named-servers.yaml"], ["--namespace", "mcp"])
    expected = subprocess.run(argv, env=world.env("helm3.18"), capture_output=True, text=True, timeout=120)
    assert expected.returncode == 0, expected.stderr
    assert normalise_h4(got) == normalise_h4(load_docs(expected.stdout))
    deploy = next(d for d in got if d["kind"] == "Deployment")
    assert [c["name"] for c in deploy["spec"]["template"]["spec"]["containers"]] == ["mcp-gateway"]


def test_helmfile_0_166_cannot_drive_helm4(world, tmp_path):
    r = run_recipe(world, "helm4", tmp_path)
    assert r.returncode != 0
    assert r.stdout == ""
    assert "version --client" in r.stderr or "unknown flag: --client" in r.stderr
