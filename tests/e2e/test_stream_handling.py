"""What each Helm version hands the post-renderer, captured with
MCP_CHART_CAPTURE_INPUT (docs/helm.md, "What Helm hands the post-renderer"), and
issue 15's "read only what you own" with real Helm: an umbrella chart whose other
subchart renders YAML forms the project's reader refuses (MinIO's flow sequence
closed at the key's indentation, a multi-line single-quoted CRD description, a
double-quoted string continued at column 0, a tab after `:`) installs through
the post-renderer under Helm 3 and Helm 4, those documents untouched."""

from __future__ import annotations

import json
import shutil
import subprocess

import yaml

from lib import CHART, REPO, cache_dir, load_docs, require_file, split_raw_docs


def kubectl_objects(text: str, tmp_path) -> list[dict]:
    """The objects Kubernetes' own YAML reader finds in a stream (PyYAML
    refuses a tab after `:`; go-yaml, Helm and kubectl take it)."""
    kubectl = require_file(cache_dir() / "bin" / "kubectl", "kubectl (scripts/install-tools.sh helm)")
    f = tmp_path / "stream.yaml"
    f.write_text(text)
    r = subprocess.run(
        [str(kubectl), "annotate", "--local", "-f", str(f), "checked=yes", "-o", "json"],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    # One JSON object per object, one after the other.
    decoder, objects, at = json.JSONDecoder(), [], 0
    text = r.stdout
    while text[at:].strip():
        obj, end = decoder.raw_decode(text, at + len(text[at:]) - len(text[at:].lstrip()))
        objects.append(obj)
        at = end
    return objects

FOREIGN_TEMPLATE = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-minio
spec:
  serviceName: minio
  selector:
    matchLabels: {app: minio}
  template:
    metadata:
      labels: {app: minio}
    spec:
      containers:
        - name: minio
          image: minio/minio
          command: [ "/bin/sh",
          "-ce",
          "/usr/bin/docker-entrypoint.sh minio server /export" ]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        description: 'A widget.

          It''s described on several lines, as kube-prometheus-stack does.

'
        type: object
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-odd
data:
  a: "first
second"
  b:\tplain
"""


def umbrella(tmp_path):
    """An umbrella chart: charts/mcp-server (stdio gateway) next to charts/other."""
    root = tmp_path / "umbrella"
    (root / "charts").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: umbrella\nversion: 0.1.0\n")
    shutil.copytree(CHART, root / "charts" / "mcp-server")
    other = root / "charts" / "other"
    (other / "templates").mkdir(parents=True)
    (other / "Chart.yaml").write_text("apiVersion: v2\nname: other\nversion: 0.1.0\n")
    (other / "templates" / "odd.yaml").write_text(FOREIGN_TEMPLATE)
    example = yaml.safe_load((REPO / "examples" / "stdio-gateway-named-servers.yaml").read_text())
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({"mcp-server": example}))
    return root, values


def helm_argv(world, helm, chart, values, post_render=True):
    argv = [str(world.template_argv(helm, [])[0]), "template", "demo", str(chart), "-f", str(values)]
    if post_render:
        argv += ["--post-renderer", "mcp-chart"]
        if helm.startswith("helm3"):
            argv += ["--post-renderer-args", "post-render"]
    return argv


def test_other_charts_odd_yaml_passes_through_under_helm3_and_helm4(world, tmp_path):
    chart, values = umbrella(tmp_path)
    for helm in ("helm3.18", "helm4"):
        capture = tmp_path / f"received-{helm}.yaml"
        env = world.env(helm)
        env["MCP_CHART_CAPTURE_INPUT"] = str(capture)
        r = subprocess.run(helm_argv(world, helm, chart, values), cwd=REPO, env=env, capture_output=True, text=True)
        assert r.returncode == 0, f"{helm}: {r.stderr}"
        received = capture.read_text()
        # The forms reached the post-renderer (Helm 4 writes them its own way).
        assert "minio server /export" in received and "several lines" in received, helm
        docs = kubectl_objects(r.stdout, tmp_path)
        kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
        assert ("StatefulSet", "demo-minio") in kinds and ("ConfigMap", "demo-odd") in kinds, helm
        deployment = next(d for d in docs if d["kind"] == "Deployment")
        names = [c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]]
        assert "mcp-gateway" in names, f"{helm}: not injected: {names}"
        # Replaying the capture gives the same stream the plugin/executable wrote.
        replay = subprocess.run(
            [str(world.mcp_chart), "post-render", "--input", str(capture)], capture_output=True, text=True
        )
        assert replay.returncode == 0, replay.stderr
        odd = next(d for d in kubectl_objects(replay.stdout, tmp_path) if d["metadata"]["name"] == "demo-odd")
        assert odd["data"] == {"a": "first second", "b": "plain"}, odd
        # The documents the post-renderer does not own come out byte for byte.
        replayed = split_raw_docs(replay.stdout)
        for raw in split_raw_docs(received):
            if "demo-odd" in raw or "minio" in raw or "widgets.example.com" in raw:
                assert raw in replayed, f"{helm}: changed:\n{raw}"


def test_helm4_hands_the_plugin_a_reserialised_stream(world, tmp_path):
    """What the docs say about Helm 4's input, checked on the capture."""
    env = world.env("helm4")
    capture = tmp_path / "received.yaml"
    env["MCP_CHART_CAPTURE_INPUT"] = str(capture)
    example = REPO / "examples" / "stdio-gateway-named-servers.yaml"
    argv = world.template_argv("helm4", [example])
    r = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    received = capture.read_text()
    plain = world.render("helm4", [example], post_render=False)
    assert plain.returncode == 0, plain.stderr
    # Not the `helm template` stream: no `# Source:` comments, hooks included,
    # each document annotated with its template file.
    assert "# Source:" in plain.stdout and "# Source:" not in received
    docs = load_docs(received)
    assert all(
        "postrenderer.helm.sh/postrender-filename" in d["metadata"].get("annotations", {}) for d in docs
    ), received
    assert any("helm.sh/hook" in d["metadata"].get("annotations", {}) for d in docs)
    assert received != plain.stdout
