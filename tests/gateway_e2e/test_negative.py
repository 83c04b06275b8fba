"""The checks catch a broken gateway.

Each test takes the real post-rendered gateway for the "minimal" case,
breaks it the way the upstream 0.1.0 chart did (DESIGN §10), runs it the same
way, and expects the checks to FAIL with a precise message.  If one of these
tests fails, the e2e suite has gone blind to that defect.
"""

from __future__ import annotations

import json

import pytest

from . import checks, harness
from .cases import case
from .checks import Running
from .conftest import run_case

CASE = case("minimal")


def _proxy_args(container: dict) -> list[str]:
    """The list holding mcp-proxy's arguments (args, or command after a preStart)."""
    if container.get("args"):
        return container["args"]
    return container["command"]


def glue_double_dash(pod: harness.GatewayPod) -> None:
    """`-- mcp-e2e-probe` becomes `--mcp-e2e-probe` (upstream defect 1)."""
    args = _proxy_args(pod.container)
    i = args.index("--")
    args[i : i + 2] = ["--" + args[i + 1]]


def keep_last_origin(pod: harness.GatewayPod) -> None:
    """`--allow-origin A B C` becomes `--allow-origin C`."""
    args = _proxy_args(pod.container)
    i = args.index("--allow-origin")
    j = i + 1
    while j < len(args) and not args[j].startswith("-"):
        j += 1
    args[i + 1 : j] = [args[j - 1]]


def repeat_allow_origin(pod: harness.GatewayPod) -> None:
    """`--allow-origin A B C` becomes `--allow-origin A --allow-origin B ...`
    (upstream defect: argparse keeps only the last)."""
    args = _proxy_args(pod.container)
    i = args.index("--allow-origin")
    j = i + 1
    while j < len(args) and not args[j].startswith("-"):
        j += 1
    repeated: list[str] = []
    for origin in args[i + 1 : j]:
        repeated += ["--allow-origin", origin]
    args[i:j] = repeated


def drop_enabled_false(pod: harness.GatewayPod) -> None:
    """servers.json says `disabled: true` instead of `enabled: false` (upstream
    defect: mcp-proxy reads `enabled`)."""
    for cm in pod.config_maps.values():
        data = cm.get("data") or {}
        if "servers.json" in data:
            doc = json.loads(data["servers.json"])
            for server in doc["mcpServers"].values():
                if server.get("enabled") is False:
                    del server["enabled"]
                    server["disabled"] = True
            data["servers.json"] = json.dumps(doc)


def no_pass_environment(pod: harness.GatewayPod) -> None:
    """`--pass-environment` lost: container env no longer reaches the servers."""
    args = _proxy_args(pod.container)
    args[args.index("--pass-environment")] = "--no-pass-environment"


def probe_server(run: Running):
    enabled, _ = run.case.named()
    return next(s for s in enabled if s.kind == "probe")


MUTATIONS = {
    # name: (mutation, the check that must catch it, expected failure text)
    "glued-double-dash": (glue_double_dash, checks.all_checks, "unrecognized arguments: --mcp-e2e-probe"),
    "lost-origins": (keep_last_origin, checks.check_cors, "https://first.example.com"),
    "repeated-allow-origin": (repeat_allow_origin, checks.check_cors, "https://first.example.com"),
    "disabled-as-disabled-key": (drop_enabled_false, checks.check_status, "retired"),
    "no-pass-environment": (
        no_pass_environment,
        lambda run: checks.check_server(run, probe_server(run), "mcp"),
        "E2E_FROM_CONTAINER",
    ),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_checks_catch_a_broken_gateway(name: str, tmp_path) -> None:
    mutate, check, needle = MUTATIONS[name]
    failure: BaseException | None = None
    try:
        with run_case(CASE, tmp_path, mutate=mutate) as run:
            check(run)
    except (AssertionError, harness.HarnessError) as exc:
        failure = exc
    assert failure is not None, f"mutation {name!r} went unnoticed by the checks"
    assert needle in str(failure), f"mutation {name!r} failed for another reason:\n{failure}"
    print(f"\n[{name}] caught: {str(failure).splitlines()[-1][:300]}")
