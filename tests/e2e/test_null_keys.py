"""`chart-map-deleted` against real Helm: for every top-level key of the chart's
values, `KEY: null` makes `helm template` fail exactly when it is one of
`mcp_chart_core::chart::TEMPLATE_MAPS`, and `mcp-chart validate` says so at the
null (same verdict as Helm for every key)."""

from __future__ import annotations

import json
import re

import pytest

from lib import CHART, REPO, run

TEMPLATE_MAPS = re.findall(
    r'"(\w+)"',
    re.search(
        r"pub const TEMPLATE_MAPS: &\[&str\] = &\[(.*?)\];",
        (REPO / "crates/mcp-chart-core/src/chart/mod.rs").read_text(),
        re.S,
    ).group(1),
)
TOP_KEYS = re.findall(r"^([A-Za-z]\w*):", (CHART / "values.yaml").read_text(), re.M)


def test_the_list_is_read():
    assert "image" in TEMPLATE_MAPS and set(TEMPLATE_MAPS) <= set(TOP_KEYS), TEMPLATE_MAPS


@pytest.mark.parametrize("helm", ["helm3.18", "helm4"])
@pytest.mark.parametrize("key", TOP_KEYS)
def test_null_verdict_matches_helm(world, mcp_chart, helm, key, tmp_path):
    values = tmp_path / "values.yaml"
    values.write_text(f"{key}: null\n")
    rendered = world.render(helm, [values], post_render=False)
    v = run([mcp_chart, "validate", "--format", "json", "--ignore", "gateway-post-renderer", values])
    assert v.returncode in (0, 1), v.stderr
    codes = [d["code"] for d in json.loads(v.stdout)["diagnostics"]]
    helm_fails = rendered.returncode != 0
    assert helm_fails == (key in TEMPLATE_MAPS), f"{helm} {key}: null -> {rendered.stderr[:300]}"
    assert ("chart-map-deleted" in codes) == helm_fails, codes
    assert (v.returncode == 1) == helm_fails, codes
