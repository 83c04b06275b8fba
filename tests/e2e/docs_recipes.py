"""The shell recipes of docs/gitops.md: the lines of the ```sh block between
`<!-- e2e:gitops-NAME:begin -->` and `<!-- e2e:gitops-NAME:end -->`, which the
GitOps tests run as written (the README's Helm block is read the same way, in
lib.readme_commands)."""

from __future__ import annotations

import re

from lib import REPO

GITOPS_DOC = REPO / "docs" / "gitops.md"


def recipe(name: str) -> list[str]:
    text = GITOPS_DOC.read_text()
    m = re.search(
        rf"<!-- e2e:gitops-{re.escape(name)}:begin -->\s*```sh\n(.*?)```\s*<!-- e2e:gitops-{re.escape(name)}:end -->",
        text,
        re.S,
    )
    if not m:
        raise AssertionError(f"docs/gitops.md has no <!-- e2e:gitops-{name}:begin/end --> sh block")
    lines = [ln.strip() for ln in m.group(1).splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    assert lines, f"the {name} recipe of docs/gitops.md is empty"
    return lines
