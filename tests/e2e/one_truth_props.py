"""One truth, checked with real Helm (issue 13): for values generated across the
chart's model, `mcp-chart validate` exit 0 implies that `helm template
charts/mcp-server -f v.yaml` (Helm 3.18 and 4) piped into `mcp-chart
post-render` succeeds; and whenever Helm or post-render refuses, `validate`
reports an error located at file:line:col in the values file.

    python tests/e2e/one_truth_props.py MCP_CHART_BIN [--cases N] [--seed S] [--jobs J]

Needs $HELM3_18 and $HELM4 (scripts/env.sh). Prints one line per disagreement
and a summary line `N cases: V valid, I invalid, 0 disagreements`; exits 1 on
any disagreement. tests/e2e/test_one_truth.py runs a bounded number of cases
(MCP_CHART_PROPERTY_CASES, default 48); docs/validation.md says how to run more.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "mcp-server"

# Strings that matter to mcp-proxy's argparse, the kubelet, YAML and JSON.
HOSTILE = [
    "", "x", "--", "-", "-e", "--port", "-evil", "--pass-environment", "a b", "a=b",
    "$(VAR)", "$$(VAR)", "${VAR}", "'", '"', "\\", "{{ .Values }}", " lead", "trail ",
    "#c", ": x", "- x", "@", "`id`", "ü", "😀", "0", "true", "null", "yes", "1e3",
    "https://evil.example/sse", "a\nb", "a\tb", "\u2028", "\x00", "-Xmx512m",
]
COMMANDS = ["", "uvx", "npx", "node", "mcp-server-time", "python", "-evil", "--", "a b",
            "https://evil.example/sse", "$(URL)", "/bin/sh"]
ENV_NAMES = ["A", "JAVA_TOOL_OPTIONS", "A=B", "", "-x", "PATH", "lower", "ü"]
ORIGINS = ["*", "https://a.example", "-evil", "", "a b", "--x", "http://localhost:3000"]
SERVER_NAMES = ["time", "fetch", "a-b", "a/b", "", "..", "x y", "ü", "sse", "A_1"]
DURATIONS = ["10s", "1h", "0s", "5m30s", "bogus", "1.5s", "100ms", "1000h", "", "-1s", "1h1h"]


def pick(r: random.Random, items, empty=0.0):
    if r.random() < empty:
        return None
    return r.choice(items)


# Most values are ordinary, so that valid cases are common too.
BENIGN = ["--verbose", "stdio", "/data", "mcp-server-time", "--local-timezone=UTC", "1", "a.b"]
HOSTILITY = 0.25


def strings(r: random.Random, n_max: int, pool=HOSTILE) -> list[str]:
    return [r.choice(pool) if r.random() < HOSTILITY else r.choice(BENIGN)
            for _ in range(r.randint(0, n_max))]


def command(r: random.Random) -> str:
    return r.choice(COMMANDS) if r.random() < HOSTILITY else r.choice(["mcp-server-time", "python"])


def env_list(r: random.Random) -> list[dict]:
    out = []
    for _ in range(r.randint(0, 2)):
        e = {"name": r.choice(ENV_NAMES) if r.random() < HOSTILITY else "LOG_LEVEL"}
        if r.random() < 0.9:
            e["value"] = r.choice(HOSTILE + [1, True]) if r.random() < HOSTILITY else "info"
        out.append(e)
    return out


def named_servers(r: random.Random) -> dict:
    out = {}
    for _ in range(r.randint(1, 3)):
        s = {}
        if r.random() < 0.85:
            s["command"] = command(r)
        if r.random() < 0.6:
            s["args"] = strings(r, 3)
        if r.random() < 0.3:
            s["env"] = env_list(r)
        if r.random() < 0.15:
            s["disabled"] = r.random() < 0.5
        out[r.choice(SERVER_NAMES) if r.random() < HOSTILITY else r.choice(["time", "fetch"])] = s
    return out


def named_servers_json(r: random.Random) -> str:
    servers = {}
    for _ in range(r.randint(1, 3)):
        s: dict = {}
        shape = r.random()
        if shape < 0.1:
            s["url"] = "https://example.com/sse"  # mcp-proxy skips it
        elif shape < 0.95:
            s["command"] = command(r)
        if r.random() < 0.6:
            s["args"] = strings(r, 3)
        if r.random() < 0.3:
            s["env"] = {r.choice(ENV_NAMES): r.choice(HOSTILE) for _ in range(r.randint(1, 2))}
        if r.random() < 0.1:
            s["timeout"] = 30  # an extra key mcp-proxy ignores
        if r.random() < 0.1:
            s["enabled"] = r.choice([True, False, "yes"])
        servers[r.choice(SERVER_NAMES) if r.random() < HOSTILITY else r.choice(["time", "fetch"])] = s
    root = "mcpServers" if r.random() < 0.9 else r.choice(["servers", "x"])
    doc = {root: servers}
    if r.random() < 0.05:
        doc["x"] = 1
    text = json.dumps(doc, ensure_ascii=r.random() < 0.5)
    if r.random() < 0.03:
        text = text[:-1]  # not JSON
    return text


def gen(r: random.Random) -> dict:
    v: dict = {}
    mode = r.choice(["image", "image", "node", "python"] if r.random() < 0.97 else ["bogus"])
    if mode != "image" or r.random() < 0.3:
        v["mode"] = mode
    if mode == "node" and r.random() < 0.9:
        v["node"] = {"package": r.choice(["@modelcontextprotocol/server-everything", "x", "-x"])}
        if r.random() < 0.3:
            v["node"]["args"] = strings(r, 2)
    if mode == "python" and r.random() < 0.9:
        v["python"] = {"package": r.choice(["mcp-server-time", "x", "-x"])}
        if r.random() < 0.3:
            v["python"]["args"] = strings(r, 2)
    if mode == "image" and r.random() < 0.5:
        v["image"] = {"repository": "ghcr.io/example/server", "tag": "1",
                      "command": strings(r, 2, COMMANDS), "args": strings(r, 2)}
    if r.random() < 0.3:
        v["container"] = {"command": strings(r, 2, COMMANDS), "args": strings(r, 2)}
        if r.random() < 0.3:
            v["container"]["env"] = [{"name": r.choice(["A", "URL"]),
                                      "value": r.choice(HOSTILE)}]
    transport: dict = {}
    ttype = r.choice(["http-sse", "websocket", "stdio", "stdio"])
    if ttype != "http-sse" or r.random() < 0.3:
        transport["type"] = ttype
    gateway_on = ttype == "stdio" if r.random() < 0.9 else r.random() < 0.5
    gw: dict = {}
    if gateway_on or r.random() < 0.2:
        gw["enabled"] = gateway_on
    if gateway_on:
        if r.random() < 0.6:
            server = {}
            if r.random() < 0.6:
                server["command"] = command(r)
            if r.random() < 0.6:
                server["args"] = strings(r, 3)
            if r.random() < 0.4:
                server["env"] = env_list(r)
            if r.random() < 0.1:
                server["cwd"] = r.choice(["/tmp", "", "-x"])
            gw["server"] = server
        which = r.random()
        if which < 0.35:
            gw["servers"] = named_servers(r)
        elif which < 0.6:
            gw["namedServersJson"] = named_servers_json(r)
        elif which < 0.65:
            gw["servers"] = named_servers(r)
            gw["namedServersJson"] = named_servers_json(r)
        if r.random() < 0.4:
            gw["allowOrigins"] = [r.choice(ORIGINS) for _ in range(r.randint(0, 2))]
        if r.random() < 0.2:
            gw["passEnvironment"] = r.random() < 0.5
        if r.random() < 0.2:
            gw["env"] = [{"name": r.choice(["A", "B"]), "value": r.choice(HOSTILE)}]
        if r.random() < 0.15:
            gw["preStart"] = strings(r, 2)
        if r.random() < 0.1:
            gw["port"] = r.choice([8096, 3000, 8080])
    if gw:
        transport["stdioGateway"] = gw
    if transport:
        v["transport"] = transport
    if r.random() < 0.3:
        ing: dict = {"enabled": True}
        if r.random() < 0.5:
            ing["className"] = r.choice(["", "nginx", "traefik", "alb"])
        if r.random() < 0.3:
            ing["annotations"] = {"nginx.ingress.kubernetes.io/proxy-read-timeout": "60"}
        v["ingress"] = ing
    if r.random() < 0.3:
        route: dict = {"enabled": True}
        if r.random() < 0.6:
            rule: dict = {}
            if r.random() < 0.7:
                rule["timeouts"] = {k: r.choice(DURATIONS) if r.random() < 0.5 else "30s"
                                    for k in r.sample(["request", "backendRequest"],
                                                      r.randint(1, 2))}
            route["rules"] = [rule]
        v["httpRoute"] = route
    if r.random() < 0.15:
        v["replicaCount"] = r.choice([1, 2])
    if r.random() < 0.1:
        v["service"] = {"port": r.choice([3000, 8096, 80])}
    return v


def run(argv, stdin=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], input=stdin, capture_output=True,
                          timeout=120)


def check_case(index: int, path: Path, mcp_chart: str, helms: dict) -> dict:
    """Runs validate, and both Helms + post-render; returns the outcome."""
    val = run([mcp_chart, "validate", "--format", "json", "-f", path])
    if val.returncode not in (0, 1):
        return {"case": index, "problem": f"validate exit {val.returncode}: "
                f"{val.stderr.decode(errors='replace')[-500:]}"}
    report = json.loads(val.stdout)
    errors = [d for d in report["diagnostics"] if d["severity"] == "error"]
    located = [d for d in errors
               if d.get("file") == str(path) and d.get("line") and d.get("column")]
    refusals = []
    for name, helm in helms.items():
        tpl = run([helm, "template", "t", CHART, "-f", path])
        if tpl.returncode != 0:
            refusals.append(f"{name} template: {tpl.stderr.decode(errors='replace')[-300:]}")
            continue
        pr = run([mcp_chart, "post-render"], stdin=tpl.stdout)
        if pr.returncode != 0:
            refusals.append(f"{name} post-render: {pr.stderr.decode(errors='replace')[-300:]}")
    out = {"case": index, "valid": val.returncode == 0, "refused": bool(refusals)}
    if val.returncode == 0 and refusals:
        out["problem"] = "validate passes, but: " + " | ".join(refusals)
    elif refusals and not located:
        out["problem"] = ("refused, and validate has no located error: "
                          + " | ".join(refusals) + f" | validate: {errors}")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mcp_chart")
    ap.add_argument("--cases", type=int, default=48)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="write the generated values files to this directory")
    args = ap.parse_args()
    helms = {"helm3.18": os.environ["HELM3_18"], "helm4": os.environ["HELM4"]}
    for h in helms.values():
        if not os.access(h, os.X_OK):
            raise SystemExit(f"missing Helm binary {h}: run scripts/install-tools.sh helm")
    r = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = Path(args.keep or tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(args.cases):
            p = out_dir / f"case-{args.seed}-{i}.yaml"
            p.write_text(yaml.safe_dump(gen(r), allow_unicode=r.random() < 0.5,
                                        sort_keys=False))
            paths.append(p)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(
                lambda ip: check_case(ip[0], ip[1], args.mcp_chart, helms), enumerate(paths)))
        problems = [x for x in results if "problem" in x]
        for x in problems:
            print(f"DISAGREE case {x['case']} ({paths[x['case']].name}): {x['problem']}")
            print("  values: " + paths[x["case"]].read_text().replace("\n", "\n          "))
        valid = sum(1 for x in results if x.get("valid"))
        refused = sum(1 for x in results if x.get("refused"))
        print(f"{len(results)} cases (seed {args.seed}): {valid} valid, "
              f"{len(results) - valid} invalid, {refused} refused by Helm or post-render, "
              f"{len(problems)} disagreements")
        return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
