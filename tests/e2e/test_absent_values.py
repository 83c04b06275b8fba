"""Issue 18, items 1 and 4, against real Helm 3.18 and 4.

1. `allowOrigins: null` (and `passEnvironment: null`): Helm deletes the key, so
   the chart's `mcp-chart/transport` annotation lacks it; the post-renderer
   must then allow no origin (never the model's default `*`), through the
   annotation and through `post-render --values`, and `validate` agrees.
2. `$(VAR)` in the server container's command: the kubelet expands it before
   mcp-proxy sees it, so a URL hidden behind a variable is refused by both
   `validate` and the post-renderer, with the values file's location.
"""

from __future__ import annotations

import json

import pytest

from lib import FULLNAME, annotations, containers, exec_view, find, load_docs, run

HELMS = ["helm3.18", "helm4"]

NULLED = """\
mode: image
container:
  command: [srv]
transport:
  type: stdio
  stdioGateway:
    enabled: true
    allowOrigins: null
    passEnvironment: null
"""


def gateway_argv(docs) -> list[str]:
    return exec_view(containers(find(docs, "Deployment", FULLNAME))["mcp-gateway"]).argv


@pytest.mark.parametrize("helm", HELMS)
def test_a_null_allow_origins_deploys_no_cors_origin(world, mcp_chart, helm, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text(NULLED)
    # What Helm hands the post-renderer: the keys are gone from the annotation.
    plain = world.render(helm, [values], post_render=False).ok()
    workload = find(load_docs(plain.stdout), "Deployment", FULLNAME)
    gateway = json.loads(annotations(workload)["mcp-chart/transport"])["stdioGateway"]
    assert "allowOrigins" not in gateway and "passEnvironment" not in gateway, gateway

    argv = gateway_argv(world.render(helm, [values]).ok().docs)
    assert "--allow-origin" not in argv and "*" not in argv, argv
    assert "--no-pass-environment" in argv, argv

    # Same through `post-render --values` (the values win over the annotation).
    r = run([mcp_chart, "post-render", "--values", values], input_text=plain.stdout)
    assert r.returncode == 0, r.stderr
    argv = gateway_argv(load_docs(r.stdout))
    assert "--allow-origin" not in argv and "--no-pass-environment" in argv, argv

    v = run([mcp_chart, "validate", "--format", "json", values])
    assert v.returncode == 0, v.stdout + v.stderr
    codes = [d["code"] for d in json.loads(v.stdout)["diagnostics"]]
    assert "cors-any-origin" not in codes, codes


@pytest.mark.parametrize("helm", HELMS)
def test_the_default_still_allows_any_origin_and_validate_says_so(world, mcp_chart, helm, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text(NULLED.replace("    allowOrigins: null\n    passEnvironment: null\n", ""))
    argv = gateway_argv(world.render(helm, [values]).ok().docs)
    assert argv[argv.index("--allow-origin") + 1] == "*", argv
    v = run([mcp_chart, "validate", "--format", "json", values])
    codes = [d["code"] for d in json.loads(v.stdout)["diagnostics"]]
    assert "cors-any-origin" in codes, codes


URL_BEHIND_VAR = """\
mode: image
container:
  command: ["$(URL)"]
  env:
    - name: URL
      value: https://evil.example/sse
transport:
  type: stdio
  stdioGateway:
    enabled: true
    allowOrigins: []
"""


@pytest.mark.parametrize("helm", HELMS)
def test_a_url_behind_a_kubelet_variable_is_refused(world, mcp_chart, helm, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text(URL_BEHIND_VAR)
    plain = world.render(helm, [values], post_render=False).ok()
    # The oracle: the kubelet would hand mcp-proxy the URL as its command.
    server = containers(find(load_docs(plain.stdout), "Deployment", FULLNAME))["mcp-server"]
    assert exec_view(server).argv == ["https://evil.example/sse"]

    r = run([mcp_chart, "post-render"], input_text=plain.stdout)
    assert r.returncode == 1, r.stdout
    assert "is a URL" in r.stderr and "evil.example" in r.stderr, r.stderr
    assert world.render(helm, [values]).returncode != 0

    v = run([mcp_chart, "validate", "--format", "json", values])
    assert v.returncode == 1, v.stdout
    errors = [d for d in json.loads(v.stdout)["diagnostics"] if d["severity"] == "error"]
    assert [(d["code"], d["line"], d["column"]) for d in errors] == [("gateway-argument", 3, 12)], errors
