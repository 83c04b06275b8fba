"""Fixtures of the end-to-end tests: one isolated Helm home per Helm version, the
real `mcp-chart` on PATH (Helm 3) and the plugin installed the README's way
(Helm 4), and a cache of renders so each (Helm, values) pair is rendered once."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import (  # noqa: E402
    HELM_BY_NAME,
    HELMS,
    REPO,
    Helm,
    ToolMissing,
    load_docs,
    readme_commands,
    require_file,
    run,
    with_values,
)


def mcp_chart_path() -> Path:
    """The executable Helm runs as the post-renderer. tests/e2e/run.sh builds it;
    MCP_CHART_BIN may point elsewhere (for example a release build)."""
    p = Path(os.environ.get("MCP_CHART_BIN", REPO / "target" / "debug" / "mcp-chart"))
    return require_file(p, "the mcp-chart executable (cargo build -p mcp-chart)")


@dataclass
class Rendered:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def docs(self) -> list[dict]:
        assert self.returncode == 0, f"{' '.join(self.argv)} failed:\n{self.stderr}"
        return load_docs(self.stdout)

    def ok(self) -> "Rendered":
        assert self.returncode == 0, (
            f"exit {self.returncode}: {' '.join(self.argv)}\n--- stderr\n{self.stderr}"
        )
        assert self.stdout.strip(), f"empty output from {' '.join(self.argv)}"
        return self


class HelmWorld:
    """Environments for each Helm version, and the render cache."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.readme = readme_commands()
        self.mcp_chart = mcp_chart_path()
        # `mcp-chart` on PATH, whatever the binary is called.
        self.bindir = tmp / "bin"
        self.bindir.mkdir()
        (self.bindir / "mcp-chart").symlink_to(self.mcp_chart)
        self.envs: dict[str, dict] = {}
        self.cache: dict[tuple, Rendered] = {}
        for h in HELMS:
            self.envs[h.name] = self._env(h)
        # Helm 4: install the plugin exactly as the README says.
        h4 = HELM_BY_NAME["helm4"]
        argv = [h4.path] + self.readme.helm4_plugin_install[1:]
        r = run(argv, env=self.envs["helm4"])
        assert r.returncode == 0, f"{argv} failed: {r.stdout}{r.stderr}"
        self.plugin_install_output = r.stdout + r.stderr

    def _env(self, h: Helm) -> dict:
        home = self.tmp / h.name
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("HELM_") and k not in ("KUBECONFIG", "MCP_CHART_ERROR_FILE")
        }
        env.update(
            PATH=f"{self.bindir}{os.pathsep}{env.get('PATH', '')}",
            HELM_DATA_HOME=str(home / "data"),
            HELM_CONFIG_HOME=str(home / "config"),
            HELM_CACHE_HOME=str(home / "cache"),
            KUBECONFIG=str(home / "kubeconfig-none"),
        )
        if h.major == 3:
            # Helm 3 must not see the Helm 4 plugin (a different plugin format).
            env["HELM_PLUGINS"] = str(home / "plugins-helm3")
        return env

    def env(self, helm: str) -> dict:
        return dict(self.envs[helm])

    def helm(self, helm: str, *args, env=None) -> Rendered:
        h = HELM_BY_NAME[helm]
        argv = [str(h.path), *[str(a) for a in args]]
        r = run(argv, env=env or self.envs[helm])
        return Rendered(argv, r.returncode, r.stdout, r.stderr)

    def template_argv(self, helm: str, files, extra=(), post_render=True) -> list[str]:
        """The README's `helm template` command for this Helm, with the values files."""
        h = HELM_BY_NAME[helm]
        readme = self.readme.helm3_template if h.major == 3 else self.readme.helm4_template
        argv = with_values(readme, files, extra)
        if not post_render:
            argv = strip_post_renderer(argv)
        return [str(h.path)] + argv[1:]

    def render(self, helm: str, files=(), extra=(), post_render=True) -> Rendered:
        key = (helm, tuple(str(f) for f in files), tuple(extra), post_render)
        if key not in self.cache:
            argv = self.template_argv(helm, files, extra, post_render)
            r = run(argv, env=self.envs[helm])
            self.cache[key] = Rendered(argv, r.returncode, r.stdout, r.stderr)
        return self.cache[key]


def strip_post_renderer(argv: list[str]) -> list[str]:
    out = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("--post-renderer", "--post-renderer-args"):
            skip = True
            continue
        if a.startswith("--post-renderer"):
            continue
        out.append(a)
    return out


@pytest.fixture(scope="session")
def world(tmp_path_factory) -> HelmWorld:
    try:
        return HelmWorld(tmp_path_factory.mktemp("helm"))
    except ToolMissing as e:
        pytest.fail(str(e), pytrace=False)


@pytest.fixture(scope="session")
def mcp_chart(world) -> Path:
    return world.mcp_chart
