"""The render matrix: every values example in examples/ and every mode variant in
tests/e2e/values/, with what each must render. Expectations are derived from the
merged values (chart defaults, then each file, the way Helm merges them)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from lib import CHART, EXAMPLES, FULLNAME, NOT_VALUES_EXAMPLES, VALUES


def merge(base, over):
    """Helm's values merge: maps merge, everything else (lists too) replaces,
    null deletes."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v)
            else:
                out[k] = copy.deepcopy(v)
        return out
    return copy.deepcopy(over)


@dataclass(frozen=True)
class Case:
    name: str
    files: tuple[Path, ...]

    @property
    def values(self) -> dict:
        v = yaml.safe_load((CHART / "values.yaml").read_text())
        for f in self.files:
            v = merge(v, yaml.safe_load(f.read_text()) or {})
        return v

    # --- derived expectations ---------------------------------------------
    @property
    def transport(self) -> dict:
        return self.values["transport"]

    @property
    def gateway(self) -> bool:
        t = self.transport
        return t["type"] == "stdio" and bool(t["stdioGateway"]["enabled"])

    @property
    def named_servers(self) -> dict:
        """name -> mcp-proxy entry expected in servers.json."""
        gw = self.transport["stdioGateway"]
        if gw.get("namedServersJson"):
            return json.loads(gw["namedServersJson"])["mcpServers"]
        return gw.get("servers") or {}

    @property
    def servers_configmap(self) -> str:
        return f"{FULLNAME}-mcp-servers"

    def expected_objects(self) -> set[tuple[str, str]]:
        v = self.values
        exp = {("Service", FULLNAME), ("Deployment", FULLNAME)}
        if v["serviceAccount"]["create"]:
            exp.add(("ServiceAccount", v["serviceAccount"]["name"] or FULLNAME))
        if self.transport["type"] != "stdio" or self.gateway:
            exp.add(("Pod", f"{FULLNAME}-test-mcp"))
        if v["config"]["enabled"]:
            exp.add(("ConfigMap", f"{FULLNAME}-config"))
        if v["ingress"]["enabled"]:
            exp.add(("Ingress", FULLNAME))
        if v["httpRoute"]["enabled"]:
            exp.add(("HTTPRoute", FULLNAME))
        if v["autoscaling"]["enabled"]:
            exp.add(("HorizontalPodAutoscaler", FULLNAME))
        if self.gateway and self.named_servers:
            exp.add(("ConfigMap", self.servers_configmap))
        return exp


def example_cases() -> list[Case]:
    files = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name not in NOT_VALUES_EXAMPLES)
    assert len(files) >= 6, f"expected the seed's values examples in {EXAMPLES}, found {files}"
    return [Case(f"example-{p.stem}", (p,)) for p in files]


def variant_cases() -> list[Case]:
    cases = [Case("defaults", ())]
    cases += [Case(p.stem, (p,)) for p in sorted(VALUES.glob("*.yaml"))]
    return cases


ALL_CASES = example_cases() + variant_cases()
CASES_BY_NAME = {c.name: c for c in ALL_CASES}
