"""Strings with every Unicode class that a Go YAML reader treats specially, in
every values field that reaches the post-rendered manifest, rendered with real
Helm and post-rendered, then read back by Kubernetes' own YAML reader
(`kubectl annotate --local -o json`): the cluster must see exactly the strings
the values hold, and no structure the values did not ask for."""

from __future__ import annotations

import json
import pytest

from lib import FULLNAME, cache_dir, containers, exec_view, find, require_file, run, servers_json

# Line and paragraph separators, NEL, CR, tab, BOM, non-characters, C0 and C1
# controls and DEL: each is refused, or read as a line break, by go-yaml.
SPECIAL = ["\u2028", "\u2029", "\u0085", "\r", "\t", "\ufeff", "\ufffe", "\uffff", "\u0001", "\u001b", "\u007f", "\u009b"]
# Helm 3.18 itself refuses values holding these (its schema check re-reads the
# values as YAML: "control characters are not allowed"); Helm 4 takes them.
HELM3_REFUSES = ["\ufffe", "\uffff", "\u007f", "\u009b"]


def cases():
    for helm in ["helm3.18", "helm4"]:
        chars = [c for c in SPECIAL if helm == "helm4" or c not in HELM3_REFUSES]
        yield pytest.param(helm, "".join(chars), id=f"{helm}-all")
        for c in chars:
            yield pytest.param(helm, c, id=f"{helm}-U+{ord(c):04X}")
# The injection found in review: a line separator followed by what would be a
# new key of the ConfigMap, were the separator written raw in a `|` block.
INJECT = "x\u2028  injected.sh: |2\u2028    "


def kubectl() -> str:
    return str(require_file(cache_dir() / "bin" / "kubectl", "kubectl (scripts/install-tools.sh helm)"))


def values_with(text: str) -> dict:
    return {
        "mode": "node",
        "node": {"package": "some-server"},
        "transport": {
            "type": "stdio",
            "stdioGateway": {
                "enabled": True,
                "preStart": [f"echo 1{text}", f"echo 2\n  injected: |2{text}\n"],
                "server": {"command": "srv", "args": [f"a{text}b"]},
                "servers": {
                    "n1": {
                        "command": "c",
                        "args": [INJECT, f"q{text}"],
                        "env": [{"name": "E", "value": f"v{text}"}],
                    }
                },
            },
        },
    }


def kube_read(docs_text: str, tmp_path) -> list[dict]:
    f = tmp_path / "out.yaml"
    f.write_text(docs_text, encoding="utf-8")
    r = run([kubectl(), "annotate", "--local", "-f", str(f), "checked=yes", "-o", "json"])
    assert r.returncode == 0, f"Kubernetes' reader refused the output:\n{r.stderr}"
    objs, text, at = [], r.stdout, 0
    decoder = json.JSONDecoder()
    while text[at:].strip():
        obj, at = decoder.raw_decode(text, at + (len(text[at:]) - len(text[at:].lstrip())))
        objs.extend(obj["items"] if obj.get("kind") == "List" else [obj])
    return objs


@pytest.mark.parametrize("helm,text", list(cases()))
def test_kubernetes_reads_exactly_the_values_strings(world, helm, text, tmp_path):
    values = tmp_path / "values.yaml"
    # JSON escapes every character, so Helm reads the values as intended.
    values.write_text(json.dumps(values_with(text), ensure_ascii=True))
    rendered = world.render(helm, [values])
    assert rendered.returncode == 0, rendered.stderr
    objs = kube_read(rendered.stdout, tmp_path)

    cm = [o for o in objs if o["kind"] == "ConfigMap" and "servers.json" in (o.get("data") or {})]
    assert len(cm) == 1, [o["metadata"]["name"] for o in objs]
    assert set(cm[0]["data"]) == {"servers.json"}, f"keys added to the ConfigMap: {set(cm[0]['data'])}"
    server = servers_json(cm[0])["mcpServers"]["n1"]
    assert server["args"] == [INJECT, f"q{text}"]
    assert server["env"] == {"E": f"v{text}"}

    gateway = containers(find(objs, "Deployment", FULLNAME))["mcp-gateway"]
    view = exec_view(gateway)
    assert view.argv[view.argv.index("--") + 1 :] == ["srv", f"a{text}b"]
    assert f"echo 1{text}" in view.script
    assert f"echo 2\n  injected: |2{text}\n" in view.script


@pytest.mark.parametrize("char", HELM3_REFUSES, ids=lambda c: f"U+{ord(c):04X}")
def test_helm3_refuses_values_with_these_characters(world, char, tmp_path):
    """Recorded oracle behaviour: if Helm 3 starts taking them, add them above."""
    values = tmp_path / "values.yaml"
    values.write_text(json.dumps(values_with(char), ensure_ascii=True))
    rendered = world.render("helm3.18", [values])
    assert rendered.returncode != 0
    assert "control characters are not allowed" in rendered.stderr
