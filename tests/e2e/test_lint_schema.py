"""`helm lint --strict` passes, and the chart's values.schema.json (draft-07)
rejects invalid values in every Helm version, whichever JSON Schema library it
validates with (gojsonschema in Helm 3.17/3.18, santhosh-tekuri/jsonschema in
Helm 4)."""

from __future__ import annotations

import json
import re

import pytest

from cases import ALL_CASES
from lib import CHART, HELM_BY_NAME, HELMS

HELM_NAMES = [h.name for h in HELMS]


@pytest.mark.parametrize("helm", HELM_NAMES)
def test_lint_strict_defaults(world, helm):
    r = world.helm(helm, "lint", "--strict", CHART)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 chart(s) linted, 0 chart(s) failed" in r.stdout
    assert "[ERROR]" not in r.stdout and "[WARNING]" not in r.stdout, r.stdout


@pytest.mark.parametrize("helm", HELM_NAMES)
def test_lint_strict_every_case(world, helm):
    failures = []
    for case in ALL_CASES:
        if not case.files:
            continue
        args = ["lint", "--strict", CHART] + [a for f in case.files for a in ("-f", f)]
        r = world.helm(helm, *args)
        if r.returncode != 0 or "[ERROR]" in r.stdout or "[WARNING]" in r.stdout:
            failures.append(f"{case.name}:\n{r.stdout}{r.stderr}")
    assert not failures, "\n".join(failures)


def test_schema_is_draft07_with_transport_and_closed_objects():
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    assert "global" in schema["properties"]
    t = schema["properties"]["transport"]
    assert t["additionalProperties"] is False
    assert set(t["properties"]) >= {"type", "http", "stdioGateway"}
    gw = t["properties"]["stdioGateway"]
    assert gw["additionalProperties"] is False


# Invalid values: (--set/--set-string arguments, expected error per validator).
# gojsonschema (Helm 3.17, 3.18) and santhosh-tekuri/jsonschema (Helm 4) word
# their errors differently; both must name the offending key.
INVALID = {
    "misspelled-top-level-key": (
        ["--set", "replicaCont=2"],
        {
            "gojsonschema": r"\(root\): Additional property replicaCont is not allowed",
            "santhosh-tekuri": r"at '': additional properties 'replicaCont' not allowed",
        },
    ),
    "wrong-enum": (
        ["--set", "transport.type=sse"],
        {
            "gojsonschema": r"transport\.type: transport\.type must be one of the following: \"http-sse\", \"websocket\", \"stdio\"",
            "santhosh-tekuri": r"at '/transport/type': value must be one of 'http-sse', 'websocket', 'stdio'",
        },
    ),
    "port-out-of-range": (
        ["--set", "service.port=70000"],
        {
            "gojsonschema": r"service\.port: Must be less than or equal to 65535",
            "santhosh-tekuri": r"at '/service/port': maximum: got 70,000, want 65,535",
        },
    ),
    "unknown-nested-key": (
        ["--set", "transport.stdioGateway.servers.docs.comand=x"],
        {
            "gojsonschema": r"transport\.stdioGateway\.servers\.docs: Additional property comand is not allowed",
            "santhosh-tekuri": r"at '/transport/stdioGateway/servers/docs': additional properties 'comand' not allowed",
        },
    ),
    "wrong-type": (
        ["--set-string", "replicaCount=two"],
        {
            "gojsonschema": r"replicaCount: Invalid type\. Expected: integer, given: string",
            "santhosh-tekuri": r"at '/replicaCount': got string, want integer",
        },
    ),
}


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("name", list(INVALID))
def test_schema_rejects_invalid_values(world, helm, name):
    args, messages = INVALID[name]
    pattern = messages[HELM_BY_NAME[helm].validator]
    header = "values don't meet the specifications of the schema(s) in the following chart(s)"
    # helm template (with the README's post-renderer flags: the schema fails first)
    r = world.render(helm, (), extra=tuple(args))
    assert r.returncode != 0, f"{helm} accepted invalid values {args}"
    assert header in r.stderr, r.stderr
    assert re.search(pattern, r.stderr), f"{helm} error does not match {pattern!r}:\n{r.stderr}"
    # helm lint
    r = world.helm(helm, "lint", "--strict", CHART, *args)
    assert r.returncode != 0, f"{helm} lint accepted invalid values {args}"
    out = r.stdout + r.stderr
    assert re.search(pattern, out), f"{helm} lint output does not match {pattern!r}:\n{out}"


@pytest.mark.parametrize("helm", HELM_NAMES)
def test_validator_library_of_each_helm(world, helm):
    """Record which JSON Schema library each Helm binary embeds (Go build info),
    the evidence behind docs/schema.md's table."""
    h = HELM_BY_NAME[helm]
    data = h.path.read_bytes()
    deps = set(re.findall(rb"dep\s+(github\.com/(?:xeipuuv/gojsonschema|santhosh-tekuri/jsonschema/v6))\s", data))
    want = {
        "gojsonschema": {b"github.com/xeipuuv/gojsonschema"},
        "santhosh-tekuri": {b"github.com/santhosh-tekuri/jsonschema/v6"},
    }[h.validator]
    assert deps == want, f"{helm} embeds {deps}"


@pytest.mark.parametrize("helm", HELM_NAMES)
def test_chart_requires_kubernetes_1_31(world, helm):
    """Chart.yaml's kubeVersion is the seed's prerequisite (Kubernetes 1.31+)."""
    r = world.helm(helm, "template", "t", CHART, "--kube-version", "1.30.0")
    assert r.returncode != 0
    assert "chart requires kubeVersion: >=1.31.0-0 which is incompatible with Kubernetes v1.30.0" in r.stderr, r.stderr
    r = world.helm(helm, "template", "t", CHART, "--kube-version", "1.31.0")
    assert r.returncode == 0, r.stderr
