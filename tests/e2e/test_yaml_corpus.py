"""The YAML corpus records (tests/fixtures/yaml-corpus/*.oracle.json) still say
what the real kubectl 1.37.1, Helm 3.18 and Helm 4.3.1 do with each form, so the
Rust test that compares mcp-chart's reader with them (crates/mcp-chart-core/
tests/yaml_corpus.rs) cannot drift from the tools."""

from __future__ import annotations

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
    import json

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
