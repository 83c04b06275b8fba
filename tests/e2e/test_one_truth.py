"""One truth with real Helm (issue 13): values generated across the chart's
model (modes, transports, gateway on/off, named servers through `servers` and
`namedServersJson`, hostile args/env/origins, Ingress and HTTPRoute). `validate`
exit 0 implies Helm 3.18 and 4 render them and `mcp-chart post-render` accepts
the output; every refusal by Helm or post-render has a located `validate`
error. The generator is tests/e2e/one_truth_props.py; a longer run is
documented in docs/validation.md."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import mcp_chart_path
from lib import cache_dir

SCRIPT = Path(__file__).resolve().parent / "one_truth_props.py"


def test_validate_agrees_with_helm_and_post_render_on_generated_values():
    cases = int(os.environ.get("MCP_CHART_PROPERTY_CASES", "48"))
    seed = os.environ.get("MCP_CHART_PROPERTY_SEED", "13")
    env = dict(os.environ)
    env["HELM3_18"] = str(cache_dir() / "bin" / "helm3.18")
    env["HELM4"] = str(cache_dir() / "bin" / "helm4")
    p = subprocess.run(
        [sys.executable, str(SCRIPT), str(mcp_chart_path()), "--cases", str(cases),
         "--seed", seed],
        env=env, capture_output=True, text=True, timeout=3600,
    )
    print(p.stdout[-4000:])
    assert p.returncode == 0, p.stdout[-8000:] + p.stderr[-3000:]
    summary = p.stdout.strip().splitlines()[-1]
    assert summary.startswith(f"{cases} cases") and summary.endswith(" 0 disagreements"), summary
    # The generator reaches both sides of the property.
    valid = int(summary.split(": ")[1].split(" valid")[0])
    assert 0 < valid < cases, summary
