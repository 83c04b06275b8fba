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
