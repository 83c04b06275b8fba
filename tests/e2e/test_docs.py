"""Docs are tests: every shell block of the project's Markdown is run as written
(in a scratch copy of the repository, with the real tools) or carries a marker
saying why not (tests/e2e/docs.py, scripts/README.md "Docs are tests")."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from docs import REPO, all_blocks, placeholders, substitute
from lib import cache_dir, readme_commands, require_file

BLOCKS = all_blocks()
RUN_BLOCKS = [b for b in BLOCKS if b.kind == "run"]

# Files the docs' commands take as the reader's own (scripts/README.md lists them).
READER_FILES = {
    "values.yaml": (REPO / "examples" / "stdio-gateway-named-servers.yaml").read_text(),
    "prod.yaml": "replicaCount: 2\n",
    "base.yaml": "replicaCount: 1\n",
}


def test_every_shell_block_is_run_or_says_why_not():
    wrong = [f"{b.id}: {b.kind} marker {b.marker!r}" for b in BLOCKS if b.kind in ("unmarked", "bad")]
    assert not wrong, (
        "shell blocks without a valid marker (<!-- e2e:run -->, <!-- e2e:not-run: reason -->; "
        "see scripts/README.md):\n" + "\n".join(wrong)
    )
    assert len(RUN_BLOCKS) >= 10, [b.id for b in RUN_BLOCKS]


def test_the_helm_block_is_the_one_the_matrix_runs():
    helm = [b for b in BLOCKS if b.kind == "helm-commands"]
    assert [b.path for b in helm] == [Path("README.md")], [b.id for b in helm]
    assert readme_commands().lines == helm[0].commands()


def test_every_placeholder_is_used():
    used: set[str] = set()
    for b in RUN_BLOCKS:
        used |= substitute(b.text, placeholders())[1]
    unused = [p.written for p in placeholders() if p.written not in used]
    assert not unused, f"placeholders no run block uses (remove them from scripts/README.md): {unused}"


def command_counts() -> dict[str, Counter]:
    """Commands run / not run, per file. In the Helm block, `helm install` needs a
    cluster; its `helm template` and `helm plugin install` lines run."""
    counts: dict[str, Counter] = {}
    for b in BLOCKS:
        c = counts.setdefault(str(b.path), Counter())
        for cmd in b.commands():
            if b.kind == "helm-commands":
                c["not-run" if cmd.startswith("helm install") else "run"] += 1
            else:
                c["run" if b.kind == "recipe" else b.kind] += 1
    return counts


def test_command_counts_are_written():
    out = REPO / "out" / "docs-commands.txt"
    out.parent.mkdir(exist_ok=True)
    lines = [f"{'file':<32} {'run':>4} {'not-run':>8}"]
    total = Counter()
    for path, c in sorted(command_counts().items()):
        lines.append(f"{path:<32} {c['run']:>4} {c['not-run']:>8}")
        total += c
    lines.append(f"{'total':<32} {total['run']:>4} {total['not-run']:>8}")
    out.write_text("\n".join(lines) + "\n")
    # A floor, so that marking blocks not-run wholesale does not go unnoticed.
    assert total["run"] >= 20, "\n".join(lines)


class Scratch:
    """A scratch copy of the repository per Markdown file: the file's blocks run
    in order in it, like a reader following the page."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.copies: dict[Path, tuple[Path, dict]] = {}
        r = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True,
        )
        self.files = [p for p in r.stdout.decode().split("\0") if p and (REPO / p).is_file()]

    def get(self, doc: Path) -> tuple[Path, dict]:
        if doc not in self.copies:
            self.copies[doc] = self._make(self.tmp / str(doc).replace("/", "_"))
        return self.copies[doc]

    def _make(self, root: Path) -> tuple[Path, dict]:
        repo = root / "repo"
        for rel in self.files:
            dest = repo / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, dest)
        if (REPO / "tools" / "node_modules").is_dir():
            (repo / "tools" / "node_modules").symlink_to(REPO / "tools" / "node_modules")
        for name, text in READER_FILES.items():
            (repo / name).write_text(text)
        # mcp-chart installed as the README's `cargo install` does (a copy in
        # $CARGO_INSTALL_ROOT/bin, not a link: the CLI looks for its module
        # next to the real file).
        cargo_root = root / "cargo-root"
        (cargo_root / "bin").mkdir(parents=True)
        mcp_chart = Path(os.environ.get("MCP_CHART_BIN", REPO / "target" / "debug" / "mcp-chart"))
        require_file(mcp_chart, "the mcp-chart executable (cargo build -p mcp-chart)")
        shutil.copy2(mcp_chart, cargo_root / "bin" / "mcp-chart")
        # `helm` is Helm 4.3.1.
        helm_bin = root / "helm-bin"
        helm_bin.mkdir()
        (helm_bin / "helm").symlink_to(require_file(cache_dir() / "bin" / "helm4", "Helm 4"))
        home = root / "home"
        home.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("HELM_", "MCP_CHART_", "CARGO_INSTALL_ROOT"))
            and k not in ("KUBECONFIG", "HELM4", "HELM3_18", "HELM3_17")
        }
        real_home = Path(os.environ.get("HOME", "/root"))
        env.update(
            HOME=str(home),
            CARGO_HOME=os.environ.get("CARGO_HOME", str(real_home / ".cargo")),
            RUSTUP_HOME=os.environ.get("RUSTUP_HOME", str(real_home / ".rustup")),
            CARGO_INSTALL_ROOT=str(cargo_root),
            MCP_CHART_CACHE=str(cache_dir()),
            MCP_CHART_REPO=str(REPO),
            MCP_CHART_BIN=str(mcp_chart),
            KUBECONFIG=str(home / "no-cluster"),
            PATH=os.pathsep.join(
                [str(cargo_root / "bin"), str(helm_bin), str(cache_dir() / "venv" / "bin"),
                 str(cache_dir() / "bin"), env.get("PATH", "/usr/bin:/bin")]
            ),
        )
        return repo, env


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Scratch:
    return Scratch(tmp_path_factory.mktemp("docs"))


@pytest.mark.parametrize("block", RUN_BLOCKS, ids=[b.id for b in RUN_BLOCKS])
def test_doc_block_runs_as_written(scratch, block):
    repo, env = scratch.get(block.path)
    script, _ = substitute(block.text, placeholders())
    try:
        r = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + script],
            cwd=repo, env=env, capture_output=True, text=True, timeout=block.timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{block.id}: still running after {block.timeout}s:\n{script}")
    assert r.returncode == 0, (
        f"{block.id}: exit {r.returncode}\n--- ran\n{script}--- stdout (end)\n{r.stdout[-3000:]}"
        f"\n--- stderr (end)\n{r.stderr[-3000:]}"
    )


def test_the_plugin_yaml_shown_in_docs_helm_md_is_the_file():
    """docs/helm.md quotes helm-plugin/mcp-chart/plugin.yaml: the quote is the
    file (its comments aside), so a field Helm needs cannot go missing from it."""
    text = (REPO / "docs" / "helm.md").read_text()
    after = text.split("`helm-plugin/mcp-chart/plugin.yaml`", 1)[1]
    quoted = after.split("```yaml\n", 1)[1].split("```", 1)[0]
    real = "".join(
        ln for ln in (REPO / "helm-plugin" / "mcp-chart" / "plugin.yaml").read_text().splitlines(True)
        if not ln.startswith("#")
    )
    assert quoted == real
