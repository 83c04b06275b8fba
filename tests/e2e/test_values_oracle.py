"""Values as Helm reads them (tests/helm_values/README.md): the recorded Helm
answers still hold for the real binaries, `mcp-chart validate` and `helm
template charts/mcp-server` give the same verdict on every case on the chart's
defaults, and a bounded seeded fuzz run finds no difference."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import mcp_chart_path
from lib import REPO, cache_dir

HARNESS = REPO / "tests" / "helm_values"


def harness(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["HELM3_18"] = str(cache_dir() / "bin" / "helm3.18")
    env["HELM4"] = str(cache_dir() / "bin" / "helm4")
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=900)


def test_recorded_helm_answers_have_not_drifted():
    p = harness(str(HARNESS / "record.py"), "--check")
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-3000:]
    assert "drift: 0" in p.stdout


def test_validate_and_helm_template_agree_on_every_case():
    p = harness(str(HARNESS / "record.py"), "--verdicts", str(mcp_chart_path()))
    assert p.returncode == 0, p.stdout[-6000:] + p.stderr[-3000:]
    assert "cases agree" in p.stdout


def test_bounded_fuzz_run_against_helm_3_18():
    p = harness(str(HARNESS / "fuzz.py"), str(mcp_chart_path()), "--cases", "200", "--seed", "14")
    assert p.returncode == 0, p.stdout[-8000:] + p.stderr[-3000:]
    assert " 0 differences" in p.stdout
