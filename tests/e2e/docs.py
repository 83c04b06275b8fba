"""The shell blocks of the project's Markdown, and how tests/e2e/test_docs.py
runs them (scripts/README.md, "Docs are tests").

Every fenced shell block (```sh, ```bash, ```shell, ```console, or a ```text
transcript whose first line starts with `$ `) in a tracked Markdown file is
preceded by one marker comment:

    <!-- e2e:run -->                    run as written, in a scratch copy of the repo
    <!-- e2e:run timeout=900 -->        the same, with a longer limit (seconds; default 300)
    <!-- e2e:not-run: REASON -->        not run; REASON says why (a cluster, the internet, minutes)
    <!-- e2e:helm-commands:begin -->    the README's Helm block, run by the Helm matrix (lib.readme_commands)
    <!-- e2e:gitops-NAME:begin -->      a docs/gitops.md recipe, run by the GitOps tests (docs_recipes.py)
    <!-- e2e:ship-first-screen:begin --> the README's first screen, run by tests/ship in the unpacked archive

Placeholders (a values file the reader has, a cluster read, ...) are replaced
by the table between `<!-- e2e:placeholders:begin/end -->` in scripts/README.md.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER_DOC = REPO / "scripts" / "README.md"

SHELL_LANGS = {"sh", "bash", "shell", "console", "zsh"}
MARKER = re.compile(r"^\s*<!--\s*e2e:(?P<body>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>```+)(?P<lang>[\w-]*)\s*$")
DEFAULT_TIMEOUT = 300


@dataclass
class Block:
    path: Path  # relative to REPO
    line: int  # 1-based line of the opening fence
    lang: str
    text: str  # the block's content, indentation removed
    marker: str | None  # the marker's body (after `e2e:`), or None when missing

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def kind(self) -> str:
        """`run`, `not-run`, `helm-commands`, or `unmarked`/`bad` when the marker is wrong."""
        if self.marker is None:
            return "unmarked"
        if re.fullmatch(r"run( timeout=\d+)?", self.marker):
            return "run"
        if re.fullmatch(r"not-run:\s*\S.{8,}", self.marker):
            return "not-run"
        if self.marker == "helm-commands:begin":
            return "helm-commands"
        if re.fullmatch(r"(gitops-[a-z]+|ship-first-screen):begin", self.marker):
            # docs/gitops.md's recipes (tests/e2e/docs_recipes.py reads them, the
            # Argo CD / Flux / helmfile tests run them) and the README's first
            # screen (tests/ship runs it in the unpacked release archive).
            return "recipe"
        return "bad"

    @property
    def timeout(self) -> int:
        m = re.search(r"timeout=(\d+)", self.marker or "")
        return int(m.group(1)) if m else DEFAULT_TIMEOUT

    @property
    def reason(self) -> str:
        return (self.marker or "").split(":", 1)[1].strip() if self.kind == "not-run" else ""

    def commands(self) -> list[str]:
        """The block's commands: logical lines (`\\` continuations joined), no
        comments; in a transcript, the `$ ` lines only."""
        out: list[str] = []
        pending = ""
        transcript = self.lang not in SHELL_LANGS
        for raw in self.text.splitlines():
            line = raw.rstrip()
            if transcript:
                if line.startswith("$ "):
                    out.append(line[2:])
                continue
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            out.append((pending + line).strip())
            pending = ""
        return out


def markdown_files() -> list[Path]:
    """Every tracked Markdown file (paths relative to REPO)."""
    r = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.md"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return sorted(Path(p) for p in r.stdout.split() if (REPO / p).is_file())


def blocks(path: Path) -> list[Block]:
    """The shell blocks of one Markdown file, with their markers."""
    lines = (REPO / path).read_text().splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, ticks, lang = m.group("indent"), m.group("ticks"), m.group("lang")
        start = i
        body: list[str] = []
        i += 1
        while i < len(lines) and not re.match(rf"^\s*{ticks}\s*$", lines[i]):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        i += 1  # the closing fence
        text = "\n".join(body) + "\n"
        is_transcript = lang == "text" and text.lstrip().startswith("$ ")
        if lang not in SHELL_LANGS and not is_transcript:
            continue
        marker = None
        j = start - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (mm := MARKER.match(lines[j])):
            marker = mm.group("body")
        found.append(Block(path, start + 1, lang, text, marker))
    return found


def all_blocks() -> list[Block]:
    return [b for p in markdown_files() for b in blocks(p)]


@dataclass
class Placeholder:
    written: str  # the text in the docs
    replaced_by: str  # what the test runs instead


def placeholders() -> list[Placeholder]:
    """The substitution table: rows of the Markdown table between
    `<!-- e2e:placeholders:begin -->` and `<!-- e2e:placeholders:end -->`,
    first column the text in the docs, second what runs instead (code spans)."""
    text = PLACEHOLDER_DOC.read_text()
    m = re.search(r"<!-- e2e:placeholders:begin -->(.*?)<!-- e2e:placeholders:end -->", text, re.S)
    assert m, f"{PLACEHOLDER_DOC.relative_to(REPO)} has no e2e:placeholders table"
    rows: list[Placeholder] = []
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        spans = [re.fullmatch(r"``?\s?(.*?)\s?``?", c) for c in cells[:2]]
        assert all(spans), f"placeholder row is not two code spans: {line}"
        rows.append(Placeholder(spans[0].group(1), spans[1].group(1)))
    assert rows, "the e2e:placeholders table is empty"
    return rows


def substitute(text: str, table: list[Placeholder]) -> tuple[str, set[str]]:
    """The block with every placeholder replaced, and which ones were used."""
    used = set()
    for p in table:
        if p.written in text:
            text = text.replace(p.written, p.replaced_by)
            used.add(p.written)
    return text, used
