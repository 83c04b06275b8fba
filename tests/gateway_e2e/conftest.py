"""Fixtures: render a case with real Helm + the post-renderer, materialise the
gateway container on loopback, start it, stop it (by PID) afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from . import harness
from .cases import CASE_IDS, CASES, Case
from .checks import Running


def start_case(case: Case, workdir: Path, mutate=None) -> tuple[harness.GatewayPod, harness.Launch, int]:
    """Render ``case`` on a fresh loopback port and materialise the gateway.

    ``mutate(pod)`` may corrupt the rendered pod (negative tests).
    """
    port = harness.free_port()
    override = workdir / "loopback.yaml"
    override.write_text(yaml.safe_dump(harness.loopback_values(port)))
    stream = harness.render([case.path, override], workdir)
    (workdir / "rendered.yaml").write_text(stream)
    pod = harness.GatewayPod.from_render(stream)
    if mutate is not None:
        mutate(pod)
    launch = pod.materialise(workdir / "pod")
    return pod, launch, port


@pytest.fixture(scope="module", params=CASES, ids=CASE_IDS)
def running(request, tmp_path_factory) -> Iterator[Running]:
    case: Case = request.param
    workdir = tmp_path_factory.mktemp(case.id)
    pod, launch, port = start_case(case, workdir)
    with harness.running(launch, port, workdir / "gateway.log") as gw:
        yield Running(case, gw, launch, pod)
