"""The YAML corpus records (tests/fixtures/yaml-corpus/*.oracle.json) still say
what the real kubectl 1.37.1, Helm 3.18 and Helm 4.3.1 do with each form, so the
Rust test that compares mcp-chart's reader with them (crates/mcp-chart-core/
tests/yaml_corpus.rs) cannot drift from the tools."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml_corpus


def test_corpus_records_match_the_real_tools(tmp_path: Path):
    forms = yaml_corpus.forms()
    assert len(forms) >= 40, f"the corpus has {len(forms)} forms"
    oracles = yaml_corpus.Oracles(tmp_path)
    drift = []
    for form in forms:
        recorded = yaml_corpus.record_path(form).read_text(encoding="utf-8")
        if recorded != yaml_corpus.dump(oracles.record(form)):
            drift.append(form.name)
    assert not drift, (
        f"records no longer match the tools: {drift}; re-record with "
        "python3 tests/e2e/yaml_corpus.py and review the diff"
    )


def test_the_issue_15_forms_are_accepted_by_every_tool():
    # The forms the post-renderer used to refuse although Helm and kubectl read them.

    for name in [
        "flow-seq-close-at-key-indent",
        "single-quoted-close-col0",
        "double-quoted-col0",
        "flow-seq-close-col0-top-level",
        "tab-after-colon",
    ]:
        rec = json.loads(yaml_corpus.record_path(yaml_corpus.CORPUS / f"{name}.yaml").read_text())
        assert rec["kubectl"]["ok"] and rec["helm3.18"]["ok"] and rec["helm4"]["ok"], name


def test_legitimate_aliases_are_read_by_kubectl(tmp_path: Path):
    # The stream of post_render_hostile.rs `a_stream_with_many_legitimate_aliases_passes`:
    # aliases copy 220,000 nodes per document, within go-yaml's alias rule.
    doc = (
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\nbase: &base\n"
        + "".join(f"  k{i}: v{i}\n" for i in range(1000))
        + "filler:\n"
        + "".join(f"  f{i}: v{i}\n" for i in range(3000))
        + "".join(f"copy{i}: *base\n" for i in range(110))
    )
    oracles = yaml_corpus.Oracles(tmp_path)
    read = oracles.kubectl_read(doc.encode())
    assert read["ok"], read
    assert len(read["json"]["copy109"]) == 1000


def test_excessive_aliasing_is_refused_by_kubectl(tmp_path: Path):
    # Aliases copying more than 99% of a document's nodes: go-yaml refuses it,
    # and so does mcp-chart (yaml::load's alias rule).
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for prev, cur in zip("abcdef", "bcdefg"):
        doc += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    oracles = yaml_corpus.Oracles(tmp_path)
    read = oracles.kubectl_read(doc.encode())
    assert not read["ok"] and "excessive aliasing" in read["error"], read


# Scalars whose reading changed when the post-renderer re-emitted the workload
# (issue 18 item 10), and more of the corpus's numbers, tags and merges.
REEMIT_FIELDS = """\
x-corpus:
  dotunderscore: ._5
  hex64: 0xFFFFFFFFFFFFFFFF
  bin64: 0b1111111111111111111111111111111111111111111111111111111111111111
  octalbig: 01777777777777777777777
  exp: 1e3
  expneg: 1.5e-3
  big: 1e21
  negzero: -0.0
  octal: 0777
  yes: yes
  date: 2024-01-02
  bin: !!binary aGVsbG8=
  int: !!int "42"
  base: &b {a: from-merge, c: merged}
  merged:
    a: explicit
    <<: *b
"""


def test_the_re_emitted_workload_reads_as_the_original(tmp_path: Path):
    """The post-renderer rewrites the workload (re-emits it); Kubernetes' reader
    must see the same values in it as in the original document."""
    from conftest import mcp_chart_path

    transport = json.dumps({"type": "stdio", "stdioGateway": {"enabled": True}})
    workload = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp\n  annotations:\n"
        f"    mcp-chart/transport: {json.dumps(transport)}\n"
        "spec:\n  selector: {matchLabels: {app: mcp}}\n  template:\n    metadata:\n"
        "      labels: {app: mcp}\n    spec:\n      containers:\n      - name: mcp-server\n"
        "        image: x\n        command: [srv]\n" + REEMIT_FIELDS
    )
    stream = "---\n# Source: c/templates/deployment.yaml\n" + workload
    r = subprocess.run(
        [mcp_chart_path(), "post-render"], input=stream, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    out_docs = [d for d in r.stdout.split("\n---\n") if "kind: Deployment" in d]
    assert len(out_docs) == 1, r.stdout
    assert out_docs[0] != workload, "the workload was not rewritten"
    oracles = yaml_corpus.Oracles(tmp_path)
    before = oracles.kubectl_read(workload.encode())
    after = oracles.kubectl_read(out_docs[0].encode())
    assert before["ok"] and after["ok"], (before, after)
    assert after["json"]["x-corpus"] == before["json"]["x-corpus"], out_docs[0]
    assert before["json"]["x-corpus"]["merged"]["a"] == "from-merge"
    assert before["json"]["x-corpus"]["dotunderscore"] == "._5"
    # Helm writes 1e3 as 1000 (toJson); so must the re-emitted document.
    assert "exp: 1000\n" in out_docs[0]
