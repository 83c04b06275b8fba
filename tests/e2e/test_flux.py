"""Flux: `mcp-chart flux` turns what the post-renderer does into HelmRelease
`spec.postRenderers` kustomize patches. The recipe of docs/gitops.md runs as
written (real Helm 3.18 and 4.3.1); the committed gitops/flux files are what it
produces; the Flux Kustomization builds with real `kubectl kustomize`; and
helm-controller's post-render step (a kustomization of Helm's output plus the
HelmRelease's patches, built by kustomize) gives the same objects as
`helm template --post-renderer mcp-chart`. Patches made for other values fail
to apply instead of deploying a stale gateway."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from docs_recipes import recipe
from lib import HELM_BY_NAME, REPO, cache_dir, find, kn, load_docs, normalise_h4, require_file

FLUX = REPO / "gitops" / "flux"
GENERATED = ("postrenderers.yaml", "mcp-servers.yaml")
# Flux's HelmRelease v2 post-renderer (helm-controller's Kustomize type).
POST_RENDERER_FIELDS = {"kustomize"}
KUSTOMIZE_FIELDS = {"patches", "images"}
PATCH_FIELDS = {"patch", "target"}
SELECTOR_FIELDS = {"group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"}


def kubectl() -> Path:
    return require_file(cache_dir() / "bin" / "kubectl", "kubectl (scripts/install-tools.sh helm)")


def kustomize(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run([kubectl(), "kustomize", directory], capture_output=True, text=True, timeout=60)


def workspace(world, helm: str, tmp_path: Path) -> tuple[Path, dict]:
    """A checkout-like directory (charts/, gitops/flux/ without the generated
    files) and an environment whose `helm` and `mcp-chart` are the real ones."""
    ws = tmp_path / f"ws-{helm}"
    (ws / "gitops").mkdir(parents=True)
    (ws / "charts").symlink_to(REPO / "charts")
    shutil.copytree(FLUX, ws / "gitops" / "flux")
    for name in GENERATED:
        (ws / "gitops" / "flux" / name).unlink()
    bindir = tmp_path / f"bin-{helm}"
    bindir.mkdir()
    (bindir / "helm").symlink_to(HELM_BY_NAME[helm].path)
    (bindir / "mcp-chart").symlink_to(world.mcp_chart)
    env = world.env(helm)
    env["PATH"] = f"{bindir}:/usr/bin:/bin"
    return ws, env


def run_recipe(world, helm: str, tmp_path: Path) -> Path:
    ws, env = workspace(world, helm, tmp_path)
    script = "set -eu\n" + "\n".join(recipe("flux")) + "\n"
    r = subprocess.run(["sh", "-c", script], cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"the docs/gitops.md Flux recipe failed:\n{script}\n{r.stderr}"
    return ws / "gitops" / "flux"


def helm_controller_render(helm_release: dict, values: str, helm: str, world, tmp_path: Path) -> list[dict]:
    """What helm-controller installs: `helm template` of the release with its
    values, through a kustomization of Helm's output and the HelmRelease's
    patches (as helm-controller's Kustomize post-renderer builds it)."""
    spec = helm_release["spec"]
    values_file = tmp_path / "hr-values.yaml"
    values_file.write_text(values)
    chart = REPO / spec["chart"]["spec"]["chart"]
    r = world.helm(helm, "template", spec.get("releaseName", helm_release["metadata"]["name"]), chart,
                   "--namespace", helm_release["metadata"]["namespace"], "-f", values_file)
    assert r.returncode == 0, r.stderr
    build = tmp_path / "helm-controller"
    build.mkdir(exist_ok=True)
    (build / "helm-output.yaml").write_text(r.stdout)
    patches = []
    for post_renderer in spec.get("postRenderers") or []:
        patches += post_renderer["kustomize"].get("patches") or []
    (build / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["helm-output.yaml"],
        "patches": patches,
    }))
    built = kustomize(build)
    assert built.returncode == 0, built.stderr
    return load_docs(built.stdout)


def without_namespace(docs: list[dict]) -> list[dict]:
    out = []
    for d in docs:
        d = yaml.safe_load(yaml.safe_dump(d))
        d.get("metadata", {}).pop("namespace", None)
        out.append(d)
    return out


@pytest.mark.parametrize("helm", ["helm3.18", "helm4"])
def test_recipe_output_is_committed(world, helm, tmp_path):
    """The committed gitops/flux files are what the recipe writes (regenerate
    them with the recipe after changing values.yaml or the chart)."""
    out = run_recipe(world, helm, tmp_path)
    for name in GENERATED:
        assert (out / name).read_text() == (FLUX / name).read_text(), (
            f"gitops/flux/{name} is out of date: run the Flux recipe of docs/gitops.md"
        )


def test_post_renderers_use_only_flux_fields():
    patch = yaml.safe_load((FLUX / "postrenderers.yaml").read_text())
    assert patch["apiVersion"] == "helm.toolkit.fluxcd.io/v2" and patch["kind"] == "HelmRelease"
    assert set(patch["spec"]) == {"postRenderers"}
    for pr in patch["spec"]["postRenderers"]:
        assert set(pr) <= POST_RENDERER_FIELDS
        assert set(pr["kustomize"]) <= KUSTOMIZE_FIELDS
        for p in pr["kustomize"]["patches"]:
            assert set(p) <= PATCH_FIELDS and set(p["target"]) <= SELECTOR_FIELDS
            ops = yaml.safe_load(p["patch"])
            assert isinstance(ops, list) and all(op["op"] in ("test", "add", "remove", "replace") for op in ops)


@pytest.mark.parametrize("helm", ["helm3.18", "helm4"])
def test_helm_controller_path_equals_helm_post_renderer(world, helm, tmp_path):
    built = kustomize(FLUX)
    assert built.returncode == 0, built.stderr
    objects = load_docs(built.stdout)
    hr = find(objects, "HelmRelease")
    values = find(objects, "ConfigMap", hr["spec"]["valuesFrom"][0]["name"])["data"]["values.yaml"]
    assert values == (FLUX / "values.yaml").read_text()
    servers = [d for d in objects if d["kind"] == "ConfigMap" and d["metadata"]["name"].endswith("-mcp-servers")]
    assert len(servers) == 1 and servers[0]["metadata"]["namespace"] == hr["metadata"]["namespace"]

    installed = helm_controller_render(hr, values, helm, world, tmp_path) + servers

    expected_argv = world.template_argv(helm, [FLUX / "values.yaml"],
                                        ["--namespace", hr["metadata"]["namespace"]])
    expected_argv[2] = hr["spec"]["releaseName"]
    r = subprocess.run(expected_argv, env=world.env(helm), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    expected = load_docs(r.stdout)
    assert sorted(map(kn, installed)) == sorted(map(kn, expected))
    assert normalise_h4(without_namespace(installed)) == normalise_h4(without_namespace(expected))
    deploy = find(installed, "Deployment")
    spec = deploy["spec"]["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["mcp-gateway"] and "initContainers" not in spec
    ingress = find(installed, "Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"


def test_patches_for_other_values_fail_visibly(world, tmp_path):
    """Values changed without regenerating the patches (here: another named
    server): kustomize's `test` operations stop the release instead of
    deploying a gateway built for the old values."""
    hr = yaml.safe_load((FLUX / "helmrelease.yaml").read_text())
    hr["spec"].update(yaml.safe_load((FLUX / "postrenderers.yaml").read_text())["spec"])
    values = yaml.safe_load((FLUX / "values.yaml").read_text())
    values["transport"]["stdioGateway"]["servers"]["time"] = {"command": "mcp-server-time"}
    with pytest.raises(AssertionError, match="test failed"):
        helm_controller_render(hr, yaml.safe_dump(values), "helm3.18", world, tmp_path)


def test_flux_without_objects_out_refuses(world):
    rendered = world.helm("helm3.18", "template", "my-mcp", REPO / "charts" / "mcp-server",
                          "-f", FLUX / "values.yaml")
    assert rendered.returncode == 0, rendered.stderr
    r = subprocess.run([world.mcp_chart, "flux", "--release", "my-mcp"], input=rendered.stdout,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stdout == ""
    assert "--objects-out" in r.stderr


def test_values_file_is_valid(world):
    r = subprocess.run([world.mcp_chart, "validate", FLUX / "values.yaml"], capture_output=True, text=True,
                       timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert r.returncode == 0, r.stdout + r.stderr


def test_flux_fails_with_no_output_on_bad_input(world):
    """No workload of the chart (an empty or foreign stream, as a failed `helm
    template` in a pipe gives) and post-render errors: exit 1, nothing on stdout."""
    for stream in ("", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"):
        r = subprocess.run([world.mcp_chart, "flux", "--release", "my-mcp"], input=stream,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and r.stdout == "", r.stderr
        assert "nothing to patch" in r.stderr
    rendered = world.helm("helm3.18", "template", "my-mcp", REPO / "charts" / "mcp-server",
                          "-f", FLUX / "values.yaml", "--set", "transport.stdioGateway.servers.bad/name.command=x")
    assert rendered.returncode == 0, rendered.stderr
    r = subprocess.run([world.mcp_chart, "flux", "--release", "my-mcp", "--objects-out", "/dev/null"],
                       input=rendered.stdout, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stdout == ""
    assert "bad/name" in r.stderr
