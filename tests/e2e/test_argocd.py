"""Argo CD: the Config Management Plugin in gitops/argocd/. Its fields are
checked against Argo CD's documented ConfigManagementPlugin schema; its sidecar
component is built with real `kubectl kustomize`; its generate step runs exactly
as Argo CD's cmp-server runs it (command + args, cwd = the Application's source
path, the build environment, ARGOCD_ENV_*, ARGOCD_APP_PARAMETERS and PARAM_*)
with real Helm 3.18 and 4.3.1, and its output equals `helm template
--post-renderer` of the same release."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from lib import HELM_BY_NAME, REPO, cache_dir, find, load_docs, normalise_h4, pod_spec, require_file

ARGO = REPO / "gitops" / "argocd"
PLUGIN = ARGO / "plugin.yaml"
APPLICATION = ARGO / "application.yaml"

# Argo CD's documented ConfigManagementPlugin (docs/operator-manual/
# config-management-plugins.md, cmpserver/plugin/config.go): every field it reads.
COMMAND = {"command", "args"}
CMP_SCHEMA = {
    "apiVersion": None,
    "kind": None,
    "metadata": {"name": None},
    "spec": {
        "version": None,
        "init": COMMAND,
        "generate": COMMAND,
        "discover": {"fileName": None, "find": {"command", "args", "glob"}},
        "parameters": {"static": "PARAMETER_LIST", "dynamic": COMMAND},
        "preserveFileMode": None,
        "provideGitCreds": None,
    },
}
PARAMETER_FIELDS = {
    "name", "title", "tooltip", "required", "itemType", "collectionType", "string", "array", "map",
}
# Application.spec.source.plugin (ApplicationSourcePlugin).
APP_PLUGIN_FIELDS = {"name", "env", "parameters"}
APP_PARAMETER_FIELDS = {"name", "string", "array", "map"}


def check_fields(value, schema, where: str) -> list[str]:
    problems = []
    if schema is None:
        return problems
    if schema == "PARAMETER_LIST":
        if not isinstance(value, list):
            return [f"{where} is not a list"]
        for i, p in enumerate(value):
            extra = set(p) - PARAMETER_FIELDS
            if extra:
                problems.append(f"{where}[{i}] has unknown fields {sorted(extra)}")
            if p.get("collectionType", "string") not in ("", "string", "array", "map"):
                problems.append(f"{where}[{i}].collectionType is {p['collectionType']!r}")
        return problems
    if not isinstance(value, dict):
        return [f"{where} is not a map"]
    allowed = schema if isinstance(schema, set) else set(schema)
    for k, v in value.items():
        if k not in allowed:
            problems.append(f"{where}.{k} is not a ConfigManagementPlugin field")
        elif isinstance(schema, dict):
            problems += check_fields(v, schema[k], f"{where}.{k}")
        elif k in ("command", "args"):
            if not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                problems.append(f"{where}.{k} is not a list of strings")
    return problems


def plugin() -> dict:
    return yaml.safe_load(PLUGIN.read_text())


def application() -> dict:
    return yaml.safe_load(APPLICATION.read_text())


def test_check_fields_catches_mistakes():
    bad = {"apiVersion": "x", "kind": "ConfigManagementPlugin", "metadata": {"name": "p"},
           "spec": {"generate": {"command": "sh"}, "discovery": {}, "parameters": {"static": [{"nam": "x"}]}}}
    problems = check_fields(bad, CMP_SCHEMA, "plugin")
    assert any("discovery" in p for p in problems)
    assert any("generate.command" in p for p in problems)
    assert any("static[0]" in p for p in problems)


def test_plugin_has_only_documented_fields():
    cmp = plugin()
    assert check_fields(cmp, CMP_SCHEMA, "plugin") == []
    assert cmp["apiVersion"] == "argoproj.io/v1alpha1"
    assert cmp["kind"] == "ConfigManagementPlugin"
    assert cmp["spec"]["generate"]["command"], "generate needs a command"


def test_application_uses_the_plugin_and_its_parameters():
    app = application()
    cmp = plugin()
    source_plugin = app["spec"]["source"]["plugin"]
    assert set(source_plugin) <= APP_PLUGIN_FIELDS
    # Without spec.version the plugin's name is metadata.name.
    expected = cmp["metadata"]["name"] + (f"-{cmp['spec']['version']}" if "version" in cmp["spec"] else "")
    assert source_plugin["name"] == expected
    announced = {p["name"]: p for p in cmp["spec"]["parameters"]["static"]}
    for p in source_plugin["parameters"]:
        assert set(p) <= APP_PARAMETER_FIELDS, p
        assert p["name"] in announced, f"parameter {p['name']} is not announced by the plugin"
        kind = announced[p["name"]].get("collectionType") or "string"
        assert kind in p, f"parameter {p['name']} is announced as {kind}"
    assert (REPO / app["spec"]["source"]["path"] / "Chart.yaml").is_file()


def kubectl() -> Path:
    return require_file(cache_dir() / "bin" / "kubectl", "kubectl (scripts/install-tools.sh helm)")


def test_sidecar_component_builds_with_kustomize(tmp_path):
    """The component applied to a repo-server like Argo CD's install: the
    sidecar runs argocd-cmp-server as user 999 with plugin.yaml mounted from the
    generated ConfigMap, as Argo CD's documentation requires."""
    (tmp_path / "repo-server.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argocd-repo-server\n"
        "spec:\n  selector:\n    matchLabels: {app: repo}\n  template:\n    metadata:\n      labels: {app: repo}\n"
        "    spec:\n      containers:\n        - name: argocd-repo-server\n          image: quay.io/argoproj/argocd\n"
        "      volumes:\n        - name: var-files\n          emptyDir: {}\n        - name: plugins\n          emptyDir: {}\n"
    )
    rel = os.path.relpath(ARGO, tmp_path)
    (tmp_path / "kustomization.yaml").write_text(
        f"resources:\n  - repo-server.yaml\ncomponents:\n  - {rel}\n"
    )
    r = subprocess.run([kubectl(), "kustomize", "--load-restrictor", "LoadRestrictionsNone", tmp_path],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    docs = load_docs(r.stdout)
    cm = find(docs, "ConfigMap", "mcp-chart-cmp-plugin")
    assert cm["data"]["plugin.yaml"] == PLUGIN.read_text()
    spec = pod_spec(find(docs, "Deployment", "argocd-repo-server"))
    names = [c["name"] for c in spec["containers"]]
    assert names == ["argocd-repo-server", "mcp-chart"] or names == ["mcp-chart", "argocd-repo-server"]
    sidecar = next(c for c in spec["containers"] if c["name"] == "mcp-chart")
    assert sidecar["command"] == ["/var/run/argocd/argocd-cmp-server"]
    assert sidecar["securityContext"]["runAsUser"] == 999
    assert re.fullmatch(r"ghcr\.io/mcp-chart/mcp-chart:[0-9.]+-helm", sidecar["image"])
    mounts = {m["mountPath"]: m for m in sidecar["volumeMounts"]}
    assert mounts["/home/argocd/cmp-server/config/plugin.yaml"]["subPath"] == "plugin.yaml"
    assert mounts["/var/run/argocd"]["name"] == "var-files"
    assert mounts["/home/argocd/cmp-server/plugins"]["name"] == "plugins"
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert volumes[mounts["/tmp"]["name"]] == {"name": mounts["/tmp"]["name"], "emptyDir": {}}
    assert volumes["mcp-chart-cmp-plugin"]["configMap"]["name"] == "mcp-chart-cmp-plugin"


def param_env(parameters: list[dict]) -> dict[str, str]:
    """What Argo CD's cmp-server puts in the environment for the Application's
    plugin parameters: ARGOCD_APP_PARAMETERS (JSON) and PARAM_<NAME>[_<i>|_<KEY>]
    with the name upper-cased and other characters turned into `_`."""

    def escaped(s: str) -> str:
        return re.sub(r"[^A-Z0-9_]", "_", s.upper())

    env = {"ARGOCD_APP_PARAMETERS": json.dumps(parameters)}
    for p in parameters:
        base = f"PARAM_{escaped(p['name'])}"
        if "string" in p:
            env[base] = p["string"]
        for i, item in enumerate(p.get("array") or []):
            env[f"{base}_{i}"] = item
        for k, v in (p.get("map") or {}).items():
            env[f"{base}_{escaped(k)}"] = v
    return env


def run_generate(world, helm: str, app: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    """The plugin's generate command, run the way the cmp-server runs it."""
    bindir = tmp_path / f"bin-{helm}"
    bindir.mkdir(exist_ok=True)
    for name, target in (("helm", HELM_BY_NAME[helm].path), ("mcp-chart", world.mcp_chart)):
        link = bindir / name
        if not link.exists():
            link.symlink_to(target)
    source = app["spec"]["source"]
    helm_home = tmp_path / f"helm-home-{helm}"
    env = {
        "PATH": f"{bindir}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        # The sidecar's own environment (repo-server-sidecar.yaml).
        "HELM_CACHE_HOME": str(helm_home / "cache"),
        "HELM_CONFIG_HOME": str(helm_home / "config"),
        "HELM_DATA_HOME": str(helm_home / "data"),
        # Argo CD's build environment.
        "ARGOCD_APP_NAME": app["metadata"]["name"],
        "ARGOCD_APP_NAMESPACE": app["spec"]["destination"]["namespace"],
        "ARGOCD_APP_PROJECT_NAME": app["spec"]["project"],
        "ARGOCD_APP_REVISION": "0123456789abcdef0123456789abcdef01234567",
        "ARGOCD_APP_REVISION_SHORT": "0123456",
        "ARGOCD_APP_SOURCE_REPO_URL": source["repoURL"],
        "ARGOCD_APP_SOURCE_PATH": source["path"],
        "ARGOCD_APP_SOURCE_TARGET_REVISION": source["targetRevision"],
        "KUBE_VERSION": "1.31",
        "KUBE_API_VERSIONS": "v1,apps/v1,networking.k8s.io/v1,gateway.networking.k8s.io/v1",
        # Variables of plugin.env arrive prefixed; the plugin must not depend on them.
        "ARGOCD_ENV_FOO": "bar",
    }
    for e in source["plugin"].get("env") or []:
        env[f"ARGOCD_ENV_{e['name']}"] = e["value"]
    env.update(param_env(source["plugin"].get("parameters") or []))
    gen = plugin()["spec"]["generate"]
    argv = gen["command"] + gen.get("args", [])
    return subprocess.run(argv, cwd=REPO / source["path"], env=env, capture_output=True, text=True, timeout=120)


def helm_post_renderer_render(world, helm: str, app: dict) -> list[dict]:
    """The same release with `helm template --post-renderer`, the README's way."""
    source = app["spec"]["source"]
    files, sets = [], []
    for p in source["plugin"]["parameters"]:
        if p["name"] == "values-files":
            files = [REPO / source["path"] / f for f in p["array"]]
        if p["name"] == "set":
            sets = p["array"]
    extra = ["--namespace", app["spec"]["destination"]["namespace"], "--kube-version", "1.31"]
    for s in sets:
        extra += ["--set", s]
    argv = world.template_argv(helm, files, extra)
    argv[2] = app["metadata"]["name"]  # the release name (README: my-mcp)
    r = subprocess.run(argv, env=world.env(helm), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return load_docs(r.stdout)


@pytest.mark.parametrize("helm", ["helm3.18", "helm4"])
def test_generate_step_equals_helm_post_renderer(world, helm, tmp_path):
    app = application()
    r = run_generate(world, helm, app, tmp_path)
    assert r.returncode == 0, r.stderr
    docs = load_docs(r.stdout)
    expected = helm_post_renderer_render(world, helm, app)
    assert normalise_h4(docs) == normalise_h4(expected)
    # The gateway is there, with the --set applied, and the guard is gone.
    deploy = find(docs, "Deployment")
    spec = pod_spec(deploy)
    assert [c["name"] for c in spec["containers"]] == ["mcp-gateway"]
    assert spec["containers"][0]["ports"][0]["containerPort"] == 9000
    assert "initContainers" not in spec
    assert deploy["spec"]["template"]["metadata"]["annotations"]["team"] == "platform"
    assert "mcp-chart/transport" not in (deploy["metadata"].get("annotations") or {})
    assert find(docs, "ConfigMap", "my-mcp-mcp-server-mcp-servers")


def with_parameters(app: dict, parameters: list[dict]) -> dict:
    app = json.loads(json.dumps(app))
    app["spec"]["source"]["plugin"]["parameters"] = parameters
    return app


def test_generate_step_fails_with_no_output_when_helm_fails(world, tmp_path):
    """A failed render must fail the step with nothing on stdout: an empty
    stream would let Argo CD prune the application's resources."""
    app = with_parameters(application(), [{"name": "set", "array": ["mode=node"]}])
    r = run_generate(world, "helm4", app, tmp_path)
    assert r.returncode != 0
    assert r.stdout == ""
    assert "node.package" in r.stderr


def test_generate_step_fails_with_no_output_when_post_render_fails(world, tmp_path):
    app = with_parameters(application(), [
        {"name": "values-files", "array": ["../../examples/stdio-gateway-named-servers.yaml"]},
        {"name": "set", "array": ["transport.stdioGateway.servers.bad/name.command=x"]},
    ])
    r = run_generate(world, "helm3.18", app, tmp_path)
    assert r.returncode != 0
    assert r.stdout == ""
    assert "mcp-chart" in r.stderr or "server" in r.stderr


def test_parameters_are_never_evaluated_by_the_shell(world, tmp_path):
    marker = tmp_path / "pwned"
    hostile = f"podAnnotations.note=$(touch {marker}); `touch {marker}` \"quoted\" $HOME"
    app = with_parameters(application(), [
        {"name": "release-name", "string": "hostile"},
        {"name": "set", "array": [hostile]},
    ])
    r = run_generate(world, "helm4", app, tmp_path)
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    deploy = find(load_docs(r.stdout), "Deployment")
    assert deploy["metadata"]["name"] == "hostile-mcp-server"
    note = deploy["spec"]["template"]["metadata"]["annotations"]["note"]
    assert note == hostile.split("=", 1)[1]


def test_docs_recipe_is_what_the_plugin_runs(world, tmp_path):
    """docs/gitops.md's by-hand commands for application.yaml give exactly the
    plugin's output (Helm 3.18 on PATH as `helm`)."""
    from docs_recipes import recipe

    ws = tmp_path / "ws"
    ws.mkdir()
    for d in ("charts", "examples"):
        (ws / d).symlink_to(REPO / d)
    bindir = tmp_path / "recipe-bin"
    bindir.mkdir()
    (bindir / "helm").symlink_to(HELM_BY_NAME["helm3.18"].path)
    (bindir / "mcp-chart").symlink_to(world.mcp_chart)
    env = world.env("helm3.18")
    env["PATH"] = f"{bindir}:/usr/bin:/bin"
    script = "set -eu\n" + "\n".join(recipe("argocd")) + "\n"
    r = subprocess.run(["sh", "-c", script], cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    plugin_run = run_generate(world, "helm3.18", application(), tmp_path)
    assert plugin_run.returncode == 0, plugin_run.stderr
    assert (ws / "generated.yaml").read_text() == plugin_run.stdout
