"""How Helm runs the post-renderer: the README's commands, the Helm 4 plugin
(installed, or found through HELM_PLUGINS), the error file that makes Helm 4
failures readable, and what the post-renderer must leave alone."""

from __future__ import annotations

import re
import shlex
import socket
import subprocess
import time

import pytest

from cases import ALL_CASES, CASES_BY_NAME
from lib import (
    CHART,
    PLUGIN_DIR,
    REPO,
    RELEASE,
    cache_dir,
    is_hook,
    kn,
    load_docs,
    readme_commands,
    require_file,
    split_raw_docs,
)


def test_readme_install_lines_match_the_tested_template_lines():
    rc = readme_commands()
    for template, install in ((rc.helm3_template, rc.helm3_install), (rc.helm4_template, rc.helm4_install)):
        assert install[1] == "install" and template[1] == "template"
        assert install[2:] == template[2:], (install, template)
        assert "--post-renderer" in template and template[template.index("--post-renderer") + 1] == "mcp-chart"
    assert rc.helm3_template[-2:] == ["--post-renderer-args", "post-render"]
    assert "--post-renderer-args" not in rc.helm4_template
    assert rc.helm4_plugin_install == ["helm", "plugin", "install", "./helm-plugin/mcp-chart"]
    assert rc.helm3_template[2] == RELEASE


def test_every_documented_post_renderer_command_is_a_tested_one():
    """Any `helm install|upgrade|template … --post-renderer …` line in the README,
    NOTES.txt or docs/ is one of the commands the tests run (release names and
    values files aside), so no copy can drift from the tested block."""
    rc = readme_commands()
    tested = {tuple(a[3:]) for a in (rc.helm3_template, rc.helm3_install, rc.helm4_template, rc.helm4_install)}
    sources = [REPO / "README.md", CHART / "templates" / "NOTES.txt", *sorted((REPO / "docs").glob("*.md"))]
    checked = 0
    for src in sources:
        for line in src.read_text().splitlines():
            m = re.search(r"\bhelm (install|upgrade --install|upgrade|template) (\S+) (charts/mcp-server .*--post-renderer .*)$", line)
            if not m or "|" in m.group(3):
                continue
            argv = tuple(shlex.split(m.group(3).replace("\\", "").strip("` ")))
            assert argv in tested, f"{src.relative_to(REPO)}: untested post-renderer command: {line.strip()}"
            checked += 1
    assert checked >= 6, checked


def test_notes_show_the_readme_install_commands(world):
    """NOTES.txt (stdio gateway mode) prints the README's install lines."""
    rc = readme_commands()
    notes = CHART / "templates" / "NOTES.txt"
    text = notes.read_text().replace("{{ .Release.Name }}", RELEASE)
    for argv in (rc.helm3_install, rc.helm4_install):
        assert " ".join(argv) in text, f"NOTES.txt lacks: {' '.join(argv)}"


def notes(world, values) -> str:
    """NOTES.txt as `helm install --dry-run=client` prints it (no cluster needed)."""
    r = world.helm("helm4", "install", RELEASE, CHART, "-f", values, "--dry-run=client")
    assert r.returncode == 0, r.stderr
    assert "NOTES:" in r.stdout, r.stdout[-2000:]
    return r.stdout.split("NOTES:", 1)[1]


@pytest.mark.parametrize(
    "values, reachable",
    [("stdio-no-gateway.yaml", False), ("gateway-full.yaml", True), ("python.yaml", True)],
)
def test_notes_say_one_thing_about_reaching_the_server(world, values, reachable):
    """A stdio server without the gateway cannot be reached: NOTES.txt says so
    and then offers no port-forward or `helm test` that could not work."""
    text = notes(world, REPO / "tests" / "e2e" / "values" / values)
    assert ("nothing in the\ncluster can reach it" in text) == (not reachable), text
    if not reachable:
        assert "port-forward" not in text and "helm test" not in text, text
    else:
        assert "helm test" in text, text


def test_helm4_plugin_installed_the_readme_way(world):
    assert "mcp-chart" in world.plugin_install_output, world.plugin_install_output
    r = world.helm("helm4", "plugin", "list")
    assert r.returncode == 0, r.stderr
    (line,) = [ln for ln in r.stdout.splitlines() if ln.startswith("mcp-chart")]
    fields = line.split()
    assert fields[:4] == ["mcp-chart", fields[1], "postrenderer/v1", "v1"], line


def test_helm4_plugin_through_helm_plugins_without_installing(world):
    """CI style: HELM_PLUGINS points at the repo's plugin directory."""
    env = world.env("helm4")
    env["HELM_PLUGINS"] = str(PLUGIN_DIR.parent)
    case = CASES_BY_NAME["gateway-full"]
    argv = world.template_argv("helm4", case.files)
    r = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert load_docs(r.stdout) == world.render("helm4", case.files).ok().docs


def test_helm4_failure_is_readable_in_the_error_file(world, tmp_path):
    """Helm 4 drops a plugin's stderr: the plugin's --error-file keeps the report."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    # a copy of the plugin, so the report lands in a fresh directory
    (plugins / "mcp-chart").mkdir()
    (plugins / "mcp-chart" / "plugin.yaml").write_text((PLUGIN_DIR / "plugin.yaml").read_text())
    env = world.env("helm4")
    env["HELM_PLUGINS"] = str(plugins)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "transport:\n  type: stdio\n  stdioGateway:\n    enabled: true\n"
        "    namedServersJson: '{\"mcpServers\": [not json'\n"
    )
    argv = world.template_argv("helm4", [bad])
    r = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    assert r.returncode != 0, "the post-renderer accepted invalid namedServersJson"
    assert 'plugin "mcp-chart" exited with error' in r.stderr, r.stderr
    report = plugins / "mcp-chart" / "last-error.txt"
    assert report.is_file(), f"no {report}; Helm said: {r.stderr}"
    text = report.read_text()
    assert "namedServersJson" in text, text
    # Helm 3 shows the same report on stderr
    r3 = world.render("helm3.18", [bad])
    assert r3.returncode != 0
    assert "namedServersJson" in r3.stderr, r3.stderr


def test_helm4_error_file_does_not_outlive_a_success(world, tmp_path):
    """After a failed run, a successful one must not leave the old report behind:
    users read last-error.txt to learn why the *last* run failed."""
    plugins = tmp_path / "plugins"
    (plugins / "mcp-chart").mkdir(parents=True)
    (plugins / "mcp-chart" / "plugin.yaml").write_text((PLUGIN_DIR / "plugin.yaml").read_text())
    report = plugins / "mcp-chart" / "last-error.txt"
    # A report of an earlier failed run (a success removes only such a report:
    # docs/helm.md, "How the error file is written").
    report.write_text("mcp-chart post-render: error: an old failure\n")
    env = world.env("helm4")
    env["HELM_PLUGINS"] = str(plugins)
    argv = world.template_argv("helm4", CASES_BY_NAME["gateway-full"].files)
    r = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not report.exists() or report.read_text() == "", report.read_text()


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_untouched_documents_are_byte_identical(world, case):
    """Helm 3 passes the chart's text to the post-renderer as is: documents it has
    no reason to change (ServiceAccount, Service, HPA, the config ConfigMap, hooks)
    come out byte for byte."""
    raw = world.render("helm3.18", case.files, post_render=False).ok().stdout
    post = world.render("helm3.18", case.files).ok().stdout
    post_docs = {kn(load_docs(d)[0]): d for d in split_raw_docs(post)}
    untouched = {"ServiceAccount", "Service", "HorizontalPodAutoscaler", "ConfigMap", "Pod"}
    for d in split_raw_docs(raw):
        obj = load_docs(d)[0]
        if obj["kind"] in untouched:
            assert kn(obj) in post_docs, f"{kn(obj)} lost"
            assert post_docs[kn(obj)].strip("\n") == d.strip("\n"), f"{kn(obj)} changed"


@pytest.mark.parametrize("case", ["gateway-full", "ingress-sse-nginx", "example-httproute-sse-gatewayapi"])
def test_post_render_is_idempotent(world, mcp_chart, case):
    raw = world.render("helm3.18", CASES_BY_NAME[case].files, post_render=False).ok().stdout
    once = subprocess.run([mcp_chart, "post-render"], input=raw, capture_output=True, text=True)
    assert once.returncode == 0, once.stderr
    twice = subprocess.run([mcp_chart, "post-render"], input=once.stdout, capture_output=True, text=True)
    assert twice.returncode == 0, twice.stderr
    assert twice.stdout == once.stdout


@pytest.mark.parametrize("case", ["gateway-full", "defaults"])
def test_helm4_hooks_pass_through_unchanged(world, case):
    """Helm 4 sends hooks (the test Pod) to the post-renderer; it must not touch them."""
    files = CASES_BY_NAME[case].files
    plain = [d for d in world.render("helm4", files, post_render=False).ok().docs if is_hook(d)]
    post = [d for d in world.render("helm4", files).ok().docs if is_hook(d)]
    assert plain and post == plain


# -- the helm test Pod, run for real against mcp-proxy (no cluster needed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_helm_test_script_against_a_real_gateway(world, tmp_path):
    """Run the test Pod's script (sh + curl, as in the curl image) against a local
    mcp-proxy serving mcp-server-time: it passes on the MCP SSE endpoint and fails
    on a path that is not one."""
    venv = cache_dir() / "venv" / "bin"
    proxy = require_file(venv / "mcp-proxy", "mcp-proxy")
    server = require_file(venv / "mcp-server-time", "mcp-server-time")
    case = CASES_BY_NAME["gateway-named-json"]
    pod = [d for d in world.render("helm4", case.files).ok().docs if is_hook(d)][0]
    cmd = pod["spec"]["containers"][0]["command"]
    script_argv, check, path = cmd[:4], cmd[4], cmd[6]
    assert (check, path) == ("gateway", "/servers/time/sse")
    port = free_port()
    p = subprocess.Popen(
        [proxy, "--host", "127.0.0.1", "--port", str(port), "--named-server", "time", str(server)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"mcp-proxy did not listen: {p.stderr.read() if p.poll() is not None else ''}")
        env = {"PATH": "/usr/bin:/bin", "MCP_TEST_TRIES": "1"}
        base = f"http://127.0.0.1:{port}"
        ok = subprocess.run(script_argv + [check, base, path], capture_output=True, text=True, env=env, timeout=60)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "SSE stream announced its message endpoint" in ok.stdout
        bad = subprocess.run(script_argv + [check, base, "/servers/nope/sse"], capture_output=True, text=True, env=env, timeout=60)
        assert bad.returncode == 1, bad.stdout
        assert "FAIL: no MCP answer" in bad.stdout
    finally:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
