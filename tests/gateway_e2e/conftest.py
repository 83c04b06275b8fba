"""Fixtures: render a case with real Helm + the post-renderer, materialise the
gateway container on loopback, start it, stop it (by PID) afterwards."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from . import harness
from .cases import CASE_IDS, CASES, Case
from .checks import Running

START_ATTEMPTS = 2  # a second port when another process took the first one


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


@contextlib.contextmanager
def run_case(case: Case, workdir: Path, mutate=None) -> Iterator[Running]:
    """``start_case`` + a running gateway, stopped (by PID) on exit."""
    for attempt in range(1, START_ATTEMPTS + 1):
        attempt_dir = workdir / f"attempt-{attempt}"
        attempt_dir.mkdir()
        pod, launch, port = start_case(case, attempt_dir, mutate)
        gw = harness.Gateway(launch, port, attempt_dir / "gateway.log")
        try:
            gw.start()
        except BaseException as exc:  # also KeyboardInterrupt (run.sh's time limit)
            gw.stop()
            log = gw.log_path.read_text(errors="replace") if gw.log_path.exists() else ""
            lost_port = "address already in use" in (str(exc) + log).lower()
            if isinstance(exc, harness.HarnessError) and lost_port and attempt < START_ATTEMPTS:
                continue
            raise
        try:
            yield Running(case, gw, launch, pod)
        finally:
            gw.stop()
        return


@pytest.fixture(scope="module", params=CASES, ids=CASE_IDS)
def running(request, tmp_path_factory) -> Iterator[Running]:
    with run_case(request.param, tmp_path_factory.mktemp(request.param.id)) as run:
        yield run
