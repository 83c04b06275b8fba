"""`helm template` with the post-renderer in place (the README's commands), for
every values example and mode variant, with Helm 3.17, 3.18 and 4: the output
parses, holds exactly the expected objects, and each object is what the chart
and the post-renderer promise."""

from __future__ import annotations

import pytest

import expect
from cases import ALL_CASES
from lib import HELMS, load_docs, normalise_h4

HELM_NAMES = [h.name for h in HELMS]

GATEWAY_CASES = [c for c in ALL_CASES if c.gateway]
SERVER_CASES = [c for c in ALL_CASES if not c.gateway]
INGRESS_CASES = [c for c in ALL_CASES if c.values["ingress"]["enabled"]]
ROUTE_CASES = [c for c in ALL_CASES if c.values["httpRoute"]["enabled"]]


def ids(cases):
    return [c.name for c in cases]


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_renders_expected_objects(world, case, helm):
    r = world.render(helm, case.files).ok()
    docs = r.docs
    got = {(d["kind"], d["metadata"]["name"]) for d in docs}
    assert len(got) == len(docs), "a document is duplicated"
    assert got == case.expected_objects()
    expect.check_no_transport_annotation(r.stdout, docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", SERVER_CASES, ids=ids(SERVER_CASES))
def test_server_container(world, case, helm):
    expect.check_server_container(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", GATEWAY_CASES, ids=ids(GATEWAY_CASES))
def test_stdio_gateway(world, case, helm):
    expect.check_gateway(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_service_reaches_the_listening_port(world, case, helm):
    expect.check_service(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", INGRESS_CASES, ids=ids(INGRESS_CASES))
def test_ingress_timeouts(world, case, helm):
    expect.check_ingress(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", ROUTE_CASES, ids=ids(ROUTE_CASES))
def test_httproute_rules_have_backend_and_timeouts(world, case, helm):
    expect.check_httproute(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("helm", HELM_NAMES)
@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_helm_test_pod_checks_the_mcp_endpoint(world, case, helm):
    expect.check_test_pod(case, world.render(helm, case.files).ok().docs)


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_helm3_and_helm4_outputs_are_equivalent(world, case):
    """Same objects from Helm 3.18 (executable) and Helm 4 (plugin), once Helm 4's
    postrender-filename annotation is set aside; Helm 3.17 and 3.18 agree byte
    for byte."""
    h317 = world.render("helm3.17", case.files).ok()
    h318 = world.render("helm3.18", case.files).ok()
    h4 = world.render("helm4", case.files).ok()
    assert h317.stdout == h318.stdout
    a, b = normalise_h4(h318.docs), normalise_h4(h4.docs)
    assert [(d["kind"], d["metadata"]["name"]) for d in a] == [(d["kind"], d["metadata"]["name"]) for d in b]
    for x, y in zip(a, b):
        assert x == y, f"{x['kind']}/{x['metadata']['name']} differs between Helm 3.18 and Helm 4"


@pytest.mark.parametrize("case", ALL_CASES, ids=ids(ALL_CASES))
def test_chart_alone_is_identical_in_helm3_and_helm4(world, case):
    """Without the post-renderer, Helm 3 and Helm 4 print the same text."""
    h3 = world.render("helm3.18", case.files, post_render=False).ok()
    h4 = world.render("helm4", case.files, post_render=False).ok()
    assert h3.stdout == h4.stdout
    load_docs(h3.stdout)
