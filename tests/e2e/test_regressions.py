"""One regression test per defect of the withdrawn upstream 0.1.0 chart (DESIGN
§10), asserting on the rendered and post-rendered output of real Helm runs."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import yaml

import expect
from cases import CASES_BY_NAME
from lib import (
    CHART,
    FULLNAME,
    StrictLoader,
    DuplicateKeyError,
    containers,
    exec_view,
    find,
    port_value,
    run_container_locally,
    script_lines,
    servers_json,
)

BOTH = ["helm3.18", "helm4"]


def docs_of(world, helm, case_name, extra=()):
    return world.render(helm, CASES_BY_NAME[case_name].files, extra=extra).ok().docs


def workload(docs):
    return find(docs, "Deployment", FULLNAME)


# -- the gateway's default-server command was glued to `--` or split onto a new
#    shell line


@pytest.mark.parametrize("helm", BOTH)
@pytest.mark.parametrize("case", ["gateway-node-default", "gateway-full", "example-stdio-gateway-named-servers"])
def test_regression_gateway_default_command_not_glued_or_split(world, helm, case, tmp_path):
    c = CASES_BY_NAME[case]
    g = expect.gateway_container(docs_of(world, helm, case))
    default = expect.expected_default_server(c)
    argv = exec_view(g).argv
    assert argv.count("--") == 1 and argv[argv.index("--") + 1 :] == default, argv
    # and for real: run the container's command with stand-ins for mcp-proxy and
    # for whatever the setup steps call, and read the argv mcp-proxy receives
    r = run_container_locally(g, tmp_path, ["mcp-proxy", "pip", "apk", "apt-get"])
    assert r.returncode == 0, r.stderr
    (proxy_argv,) = r.calls["mcp-proxy"]
    assert proxy_argv == argv[1:], f"mcp-proxy got {proxy_argv}, the manifest says {argv[1:]}"
    assert proxy_argv[proxy_argv.index("--") + 1 :] == default
    assert r.order[-1] == "mcp-proxy", f"the proxy must start last, after the setup steps: {r.order}"


# -- preStart produced invalid YAML; setup steps must run before the server,
#    with its argv intact


@pytest.mark.parametrize("helm", BOTH)
def test_regression_prestart_valid_yaml_runs_before_exec(world, helm, tmp_path):
    c = CASES_BY_NAME["node-prestart"]
    r = world.render(helm, c.files).ok()
    docs = r.docs  # parses (duplicate keys rejected)
    server = containers(workload(docs))["mcp-server"]
    _, steps, command, args = expect.expected_server(c.values)
    view = exec_view(server)
    expect.check_setup_script(view, steps, "mcp-server")
    assert view.argv == command + args
    log = tmp_path / "steps.log"
    run = run_container_locally(server, tmp_path, ["npx"], env={"STEPS_LOG": str(log), "PRE": "pre-value"})
    assert run.returncode == 0, run.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "step 1: it's \"quoted\" # not a comment"
    stamp, home, pid = lines[1].split(" ")
    assert stamp.isdigit() and home == str(tmp_path) and pid.isdigit()
    assert run.stdout.splitlines() == ["done", "multi-line: pre-value"]
    # `exec "$@"`: npx gets the argv item for item, unchanged
    assert run.calls["npx"] == [command[1:] + args]
    assert "Authorization: Bearer $(API_TOKEN)" in run.calls["npx"][0]


@pytest.mark.parametrize("helm", BOTH)
@pytest.mark.parametrize("case", ["python-pip", "python-prestart"])
def test_regression_prestart_python_modes(world, helm, case, tmp_path):
    c = CASES_BY_NAME[case]
    server = containers(workload(docs_of(world, helm, case)))["mcp-server"]
    _, steps, command, args = expect.expected_server(c.values)
    expect.check_setup_script(exec_view(server), steps, "mcp-server")
    stand_ins = ["pip", "id", command[0]]
    run = run_container_locally(server, tmp_path, stand_ins)
    assert run.returncode == 0, run.stderr
    assert run.order[-1] == command[0], run.order
    assert run.calls[command[0]] == [command[1:] + args]
    if CASES_BY_NAME[case].values["python"]["usePip"]:
        assert run.calls["pip"] == [["install", "--no-cache-dir", "mcp-server-time==2026.10.10"]]


# -- `sh -lc` strings joined without quoting or `exec`


def test_regression_no_sh_lc_string_joins(world):
    from cases import ALL_CASES

    checked = 0
    for case in ALL_CASES:
        for helm in BOTH:
            r = world.render(helm, case.files).ok()
            assert "-lc" not in r.stdout, f"{case.name}/{helm}: a login-shell string command"
            for d in r.docs:
                if d["kind"] != "Deployment":
                    continue
                for name, ctr in containers(d).items():
                    view = exec_view(ctr)
                    if view.script is None:
                        continue
                    checked += 1
                    last = script_lines(view.script)[-1]
                    assert re.fullmatch(r'exec (\S+ )?"\$@"', last), (
                        f"{case.name}/{helm}/{name}: the script must end by exec'ing its "
                        f"positional parameters, not a joined string: {last!r}"
                    )
                    # the script is the setup steps and nothing else: no argv spliced in
                    if name == "mcp-server":
                        steps = expect.expected_server(case.values)[1]
                    else:
                        steps = case.transport["stdioGateway"]["preStart"]
                    expect.check_setup_script(view, steps, f"{case.name}/{helm}/{name}")
                    assert len(view.argv) > 1, f"{case.name}/{helm}/{name}: no argv after the script"
    assert checked >= 6


# -- the stock gateway image has no npx/uvx (flagged by `mcp-chart validate`)


def test_regression_stock_gateway_image_lacks_npx_uvx(mcp_chart, tmp_path):
    probe = subprocess.run([mcp_chart, "validate", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("`mcp-chart validate` is not merged yet (issue: validation)")
    bad = tmp_path / "values.yaml"
    bad.write_text(
        "mode: node\nnode:\n  package: '@modelcontextprotocol/server-everything'\n"
        "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n"
    )
    r = subprocess.run([mcp_chart, "validate", "-f", bad], capture_output=True, text=True)
    out = r.stdout + r.stderr
    assert r.returncode == 1, f"validate accepted a default server the stock image cannot run:\n{out}"
    assert "stock gateway image" in out and "npx" in out, out
    # the shipped example installs its servers and names the command: not flagged
    good = CASES_BY_NAME["example-stdio-gateway-named-servers"].files[0]
    r = subprocess.run([mcp_chart, "validate", "-f", good], capture_output=True, text=True)
    assert "stock gateway image" not in r.stdout + r.stderr, r.stdout + r.stderr


# -- duplicate `env:` / `envFrom:` keys


@pytest.mark.parametrize("case", ["node-prestart", "node", "gateway-full"])
def test_regression_no_duplicate_env_keys(world, case):
    # the chart's own text (Helm 3, no post-renderer: nothing re-serialised it)
    raw = world.render("helm3.18", CASES_BY_NAME[case].files, post_render=False).ok().stdout
    try:
        list(yaml.load_all(raw, Loader=StrictLoader))
    except DuplicateKeyError as e:  # pragma: no cover - the failure message
        pytest.fail(f"duplicate key in the chart's output: {e}")
    for helm in BOTH:
        for ctr in containers(workload(docs_of(world, helm, case))).values():
            names = [e["name"] for e in ctr.get("env") or []]
            assert len(names) == len(set(names)), names
            sources = [json.dumps(e, sort_keys=True) for e in ctr.get("envFrom") or []]
            assert len(sources) == len(set(sources)), sources
    if case == "node-prestart":
        ctr = containers(workload(docs_of(world, "helm3.18", case)))["mcp-server"]
        assert [e["name"] for e in ctr["env"]] == ["NPM_CONFIG_USERCONFIG", "API_TOKEN"]
        assert ctr["envFrom"] == [{"configMapRef": {"name": "extra"}}]


# -- servers' `disabled` ignored (mcp-proxy reads `enabled`)


@pytest.mark.parametrize("helm", BOTH)
def test_regression_disabled_server_is_enabled_false(world, helm):
    c = CASES_BY_NAME["gateway-full"]
    cm = find(docs_of(world, helm, "gateway-full"), "ConfigMap", c.servers_configmap)
    servers = servers_json(cm)["mcpServers"]
    assert servers["old"]["enabled"] is False
    assert "disabled" not in json.dumps(servers)
    assert servers["time"].get("enabled", True) is True
    assert servers["time"]["env"] == {"PORT_HINT": "8080"}
    expect.check_servers_json(c, servers_json(cm))


# -- repeated `--allow-origin` flags (only the last kept)


@pytest.mark.parametrize("helm", BOTH)
def test_regression_single_allow_origin(world, helm):
    g = expect.gateway_container(docs_of(world, helm, "gateway-full"))
    groups = expect.allow_origins(exec_view(g).argv)
    assert groups == [["https://a.example.com", "https://b.example.com", "http://localhost:5173"]], groups


# -- transport.http.timeouts, stdioGateway.port and resources never used


@pytest.mark.parametrize("helm", BOTH)
def test_regression_timeouts_port_resources_used(world, helm):
    c = CASES_BY_NAME["gateway-full"]
    docs = docs_of(world, helm, "gateway-full")
    g = expect.gateway_container(docs)
    argv = exec_view(g).argv
    assert port_value(argv, ["--port", "--sse-port"]) == "9000"
    assert {p["name"]: p["containerPort"] for p in g["ports"]} == {"http": 9000}
    assert g["resources"] == c.transport["stdioGateway"]["resources"]
    ing = find(docs, "Ingress", FULLNAME)["metadata"]["annotations"]
    assert ing["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "1800"
    assert ing["nginx.ingress.kubernetes.io/proxy-send-timeout"] == "900"
    (rule,) = find(docs, "HTTPRoute", FULLNAME)["spec"]["rules"]
    assert rule["timeouts"]["request"] != "3600s"
    expect.check_httproute(c, docs)
    # without the gateway, the same timeouts reach an Ingress too
    expect.check_ingress(CASES_BY_NAME["ingress-sse-nginx"], docs_of(world, helm, "ingress-sse-nginx"))


# -- the Service targeted a port the proxy did not listen on


@pytest.mark.parametrize("helm", BOTH)
@pytest.mark.parametrize("case", ["gateway-full", "gateway-node-default", "gateway-named-json"])
def test_regression_service_targets_proxy_port(world, helm, case):
    c = CASES_BY_NAME[case]
    docs = docs_of(world, helm, case)
    expect.check_service(c, docs)
    g = expect.gateway_container(docs)
    listen = port_value(exec_view(g).argv, ["--port", "--sse-port"])
    (svc_port,) = find(docs, "Service", FULLNAME)["spec"]["ports"]
    named = {p["name"]: p["containerPort"] for p in g["ports"]}
    target = svc_port["targetPort"]
    assert str(named.get(target, target)) == listen, (target, named, listen)


# -- an HTTPRoute with no rules had no backend


@pytest.mark.parametrize("helm", ["helm3.17", "helm3.18", "helm4"])
def test_regression_httproute_without_rules_has_backend(world, helm):
    docs = docs_of(world, helm, "httproute-default-rule")
    (rule,) = find(docs, "HTTPRoute", FULLNAME)["spec"]["rules"]
    assert rule["backendRefs"] == [{"name": FULLNAME, "port": 3000}]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    # the chart alone already routes somewhere
    raw = world.render(helm, CASES_BY_NAME["httproute-default-rule"].files, post_render=False).ok().docs
    (rule,) = find(raw, "HTTPRoute", FULLNAME)["spec"]["rules"]
    assert rule["backendRefs"] == [{"name": FULLNAME, "port": 3000}]


# -- `image` mode defaulted to a tag that does not exist


def test_regression_image_default_tag_exists(world):
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["appVersion"] == "stable"
    for helm in ["helm3.17", "helm3.18", "helm4"]:
        server = containers(workload(docs_of(world, helm, "defaults")))["mcp-server"]
        # nginx:stable is a published tag of the official nginx image
        assert server["image"] == "nginx:stable"


# -- no checksum rollout on config change


@pytest.mark.parametrize("helm", BOTH)
def test_regression_checksum_rollout_on_config_change(world, helm):
    def pod_annotations(extra=(), case="image-custom"):
        dep = workload(docs_of(world, helm, case, extra=extra))
        return dep["spec"]["template"]["metadata"].get("annotations") or {}

    base = pod_annotations()["checksum/config"]
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert pod_annotations(("--set", "config.contents=other"))["checksum/config"] != base
    assert pod_annotations(("--set", "config.filename=other.toml"))["checksum/config"] != base
    assert pod_annotations(("--set", "additionalLabels.team=a"))["checksum/config"] == base
    # the post-renderer's servers ConfigMap rolls the pods the same way
    def servers_sums(extra=()):
        ann = pod_annotations(extra, case="gateway-full")
        return {k: v for k, v in ann.items() if "checksum" in k and k != "checksum/config"}

    before = servers_sums()
    assert before, "no checksum annotation for the servers ConfigMap"
    after = servers_sums(("--set", "transport.stdioGateway.servers.fetch.command=other-fetch"))
    assert after.keys() == before.keys() and after != before


# -- schema without `transport` and without unknown-key checks


@pytest.mark.parametrize("helm", ["helm3.17", "helm3.18", "helm4"])
def test_regression_schema_has_transport_and_rejects_unknown_keys(world, helm):
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert "transport" in schema["properties"]
    for bad in ["transport.typo=1", "transport.http.timeouts.readSecs=5", "transport.stdioGateway.prot=1"]:
        r = world.render(helm, (), extra=("--set", bad))
        assert r.returncode != 0 and "schema" in r.stderr, f"{helm} accepted --set {bad}"
        key = bad.split("=")[0].split(".")[-1]
        assert key in r.stderr, r.stderr
    r = world.render(helm, (), extra=("--set", "transport.type=websocket")).ok()
    assert r.docs
