#!/usr/bin/env python3
"""Runs real Helm on every values case and records what `.Values` became.

    python3 tests/helm_values/record.py            re-record (writes recorded/*.json)
    python3 tests/helm_values/record.py --check    re-run and fail on any drift
    python3 tests/helm_values/record.py --verdicts MCP_CHART
        for every case on the chart's own defaults: `helm template
        charts/mcp-server` and `mcp-chart validate` must agree (ok / refused)

Cases are data (cases/*.json, see README.md). Each case runs in a temporary
copy of the oracle chart (oracle/) whose values.yaml is the case's defaults;
its template prints `toJson .Values` and the Go type of every leaf. The Helm
binaries come from scripts/env.sh ($HELM3_18, $HELM4); each gets its own
HELM_DATA_HOME / HELM_CONFIG_HOME / HELM_CACHE_HOME. A missing binary fails.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CHART_VALUES = REPO / "charts" / "mcp-server" / "values.yaml"
FLAGS = ("--set", "--set-string", "--set-json", "--set-file", "--set-literal")


def helms() -> dict[str, Path]:
    out = {}
    for key, env in (("3", "HELM3_18"), ("4", "HELM4")):
        path = os.environ.get(env)
        if not path or not os.access(path, os.X_OK):
            sys.exit(f"record.py: ${env} is not an executable Helm; run `. scripts/env.sh` "
                     "after scripts/install-tools.sh helm")
        out[key] = Path(path)
    return out


def helm_env(home: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELM_")}
    for sub in ("DATA", "CONFIG", "CACHE"):
        d = home / f"helm{key}-{sub.lower()}"
        d.mkdir(parents=True, exist_ok=True)
        env[f"HELM_{sub}_HOME"] = str(d)
    return env


def load_cases(only: str | None = None) -> dict[str, list[dict]]:
    suites = {}
    for path in sorted((HERE / "cases").glob("*.json")):
        if only and path.stem != only:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        names = [c["name"] for c in data["cases"]]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            sys.exit(f"{path}: duplicate case names {sorted(dup)}")
        for c in data["cases"]:
            for flag, _ in c.get("args", []):
                if flag not in FLAGS:
                    sys.exit(f"{path}: {c['name']}: unknown flag {flag}")
        suites[path.stem] = data["cases"]
    return suites


def defaults_text(case: dict) -> str:
    d = case.get("defaults")
    if d is None:
        return ""
    if d == "chart":
        return CHART_VALUES.read_text(encoding="utf-8")
    return d


def write_inputs(case: dict, work: Path) -> list[str]:
    """Writes the case's files and assets into `work`; returns Helm's value arguments."""
    argv = []
    for i, text in enumerate(case.get("files", [])):
        name = f"f{i}.yaml"
        (work / name).write_bytes(text.encode("utf-8", "surrogatepass"))
        argv += ["-f", name]
    for name, text in case.get("assets", {}).items():
        (work / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    for flag, value in case.get("args", []):
        argv += [flag, value]
    return argv


def parse_output(stdout: str) -> dict:
    values = types = None
    for line in stdout.splitlines():
        if line.startswith("# VALUES "):
            values = line[len("# VALUES "):]
        elif line.startswith("# TYPES "):
            types = line[len("# TYPES "):]
    if values is None or types is None:
        raise RuntimeError(f"oracle output without VALUES/TYPES:\n{stdout}")
    # base64 in the template: the JSON may hold characters (NEL) that would
    # break the YAML Helm parses the rendered output as.
    decode = lambda t: base64.b64decode(t).decode("utf-8", errors="replace")
    return {"ok": True, "values": decode(values), "types": decode(types)}


def first_error_line(stderr: str, work: Path) -> str:
    lines = [l for l in stderr.splitlines() if l.strip()]
    line = next((l for l in lines if l.startswith("Error")), lines[0] if lines else "")
    return line.replace(str(work) + "/", "").replace(str(work), ".")


def run_case(case: dict, helm: Path, key: str, home: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="hv-") as tmp:
        work = Path(tmp)
        chart = work / "chart"
        shutil.copytree(HERE / "oracle", chart)
        (chart / "values.yaml").write_bytes(defaults_text(case).encode("utf-8", "surrogatepass"))
        argv = [str(helm), "template", "oracle", "chart"] + write_inputs(case, work)
        p = subprocess.run(argv, cwd=work, env=helm_env(home, key), capture_output=True,
                           text=True, errors="replace", timeout=60)
        if p.returncode != 0:
            return {"ok": False, "error": first_error_line(p.stderr, work)}
        return parse_output(p.stdout)


def record_all(suites, jobs: int) -> dict[str, dict]:
    hs = helms()
    versions = {}
    home = Path(tempfile.mkdtemp(prefix="hv-home-"))
    for key, path in hs.items():
        out = subprocess.run([str(path), "version", "--short"], capture_output=True, text=True,
                             env=helm_env(home, key), check=True).stdout.strip()
        versions[key] = out
    tasks = [(suite, c, key) for suite, cases in suites.items() for c in cases for key in hs]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda t: run_case(t[1], hs[t[2]], t[2], home), tasks))
    shutil.rmtree(home, ignore_errors=True)
    out: dict[str, dict] = {}
    for (suite, case, key), res in zip(tasks, results):
        rec = out.setdefault(suite, {"helm": versions, "cases": {}})
        rec["cases"].setdefault(case["name"], {})[key] = res
    return out


def dump(rec: dict) -> str:
    return json.dumps(rec, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def verdicts(suites, mcp_chart: str, jobs: int) -> int:
    """`helm template charts/mcp-server` (Helm 3.18) vs `mcp-chart validate`."""
    helm = helms()["3"]
    home = Path(tempfile.mkdtemp(prefix="hv-home-"))
    cases = [c for cs in suites.values() for c in cs if c.get("defaults") == "chart"]

    def one(case):
        with tempfile.TemporaryDirectory(prefix="hv-") as tmp:
            work = Path(tmp)
            argv = write_inputs(case, work)
            h = subprocess.run([str(helm), "template", "x", str(REPO / "charts" / "mcp-server")] + argv,
                               cwd=work, env=helm_env(home, "3"), capture_output=True, text=True,
                               errors="replace", timeout=60)
            # validate reads ./values.yaml without -f; Helm reads nothing then.
            own = argv if "-f" in argv else ["-f", "empty.yaml"] + argv
            (work / "empty.yaml").write_text("")
            m = subprocess.run([mcp_chart, "validate", "--format", "json",
                                "--ignore", "gateway-post-renderer"] + own,
                               cwd=work, capture_output=True, text=True, errors="replace", timeout=60)
            if m.returncode not in (0, 1):
                return case["name"], h.returncode == 0, None, m.stderr.strip()[:300]
            return case["name"], h.returncode == 0, m.returncode == 0, first_error_line(h.stderr, work)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, cases))
    shutil.rmtree(home, ignore_errors=True)
    known = json.loads((HERE / "exceptions.json").read_text(encoding="utf-8")).get("verdicts", {})
    bad = [r for r in results if r[1] != r[2] and r[0] not in known]
    for name in sorted(known):
        print(f"known verdict difference: {name}: {known[name]}")
    stale = [r[0] for r in results if r[1] == r[2] and r[0] in known]
    for name in stale:
        print(f"verdict agrees now, remove it from exceptions.json: {name}")
    bad += [r for r in results if r[0] in stale]
    for name, helm_ok, ours_ok, why in bad:
        print(f"verdict differs: {name}: helm template {'ok' if helm_ok else 'fails'}, "
              f"mcp-chart validate {'valid' if ours_ok else 'invalid' if ours_ok is False else 'usage error'}: {why}")
    agree = sum(1 for r in results if r[1] == r[2])
    print(f"verdicts: {agree}/{len(results)} cases agree (helm template charts/mcp-server vs "
          f"mcp-chart validate), {len(results) - agree - len(bad)} known differences in exceptions.json")
    return 1 if bad else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="fail when real Helm now answers differently")
    ap.add_argument("--verdicts", metavar="MCP_CHART", help="compare verdicts with this mcp-chart binary")
    ap.add_argument("--suite", help="only this suite (cases/SUITE.json)")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    suites = load_cases(args.suite)
    if args.verdicts:
        return verdicts(suites, args.verdicts, args.jobs)
    recorded = record_all(suites, args.jobs)
    rec_dir = HERE / "recorded"
    rec_dir.mkdir(exist_ok=True)
    drift = 0
    total = 0
    for suite, rec in recorded.items():
        path = rec_dir / f"{suite}.json"
        total += len(rec["cases"])
        if args.check:
            old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"cases": {}}
            for name, now in rec["cases"].items():
                if old["cases"].get(name) != now:
                    drift += 1
                    print(f"drift: {suite}/{name}:\n  recorded {old['cases'].get(name)}\n  now      {now}")
            for name in set(old["cases"]) - set(rec["cases"]):
                drift += 1
                print(f"drift: {suite}/{name}: recorded but no longer a case")
            if old.get("helm") != rec["helm"]:
                drift += 1
                print(f"drift: {suite}: recorded with {old.get('helm')}, now {rec['helm']}")
        else:
            path.write_text(dump(rec), encoding="utf-8")
    print(f"{'checked' if args.check else 'recorded'} {total} cases x 2 Helm versions; drift: {drift}")
    return 1 if drift else 0


if __name__ == "__main__":
    sys.exit(main())
