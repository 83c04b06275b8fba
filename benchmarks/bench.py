#!/usr/bin/env python3
"""Side-by-side benchmarks of mcp-chart against its peers (see README.md).

Called by benchmarks/run.sh, which builds and installs everything and passes
the tools' paths. Times whole processes (fork to exit, as a shell user sees
them): a warm-up run, then repeated runs, reporting medians; peak memory is the
child's maximum resident set size from wait4(2) (what `/usr/bin/time -f %M`
prints, and it is measured through /usr/bin/time, because a child forked from
Python carries Python's resident pages until it execs). Every tool's exit code is checked; in --smoke mode any failure fails
the run, timings never do.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import yaml  # PyYAML, from the project's tool venv

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent


class ToolError(Exception):
    pass


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_once(argv, stdin_path=None, cwd=None, timeout=None, stdout_path=None):
    """Runs argv once; returns (seconds, max RSS KiB, exit code or None on timeout, stderr)."""
    with tempfile.TemporaryFile() as err, open(stdin_path or os.devnull, "rb") as stdin, open(
        stdout_path or os.devnull, "wb"
    ) as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, cwd=cwd, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    code = None if timed_out.is_set() else proc.returncode
    return elapsed, usage.ru_maxrss, code, stderr


TIME = shutil.which("time", path="/usr/bin:/bin") or "/usr/bin/time"


def peak_rss_kib(argv, stdin_path=None, cwd=None, timeout=None):
    """Maximum resident set size of one run, in KiB, via /usr/bin/time -f %M."""
    with tempfile.NamedTemporaryFile("r") as report:
        _, _, code, stderr = run_once([TIME, "-f", "%M", "-o", report.name, *argv], stdin_path, cwd, timeout)
        if code is None:
            return None
        text = report.read().strip().splitlines()
    try:
        return int(text[-1])
    except (IndexError, ValueError):
        raise ToolError(f"/usr/bin/time gave no peak memory for {argv[0]}: {stderr.strip()}") from None


class Measure:
    def __init__(self, name, argv, stdin=None, cwd=None, ok_codes=(0,), timeout=None):
        self.name, self.argv, self.stdin, self.cwd = name, argv, stdin, cwd
        self.ok_codes, self.timeout = ok_codes, timeout
        self.times, self.rss = [], []
        self.timed_out = False
        self.error = None

    def run(self, runs, budget):
        """Warm-up, then between `runs[0]` and `runs[1]` timed runs (stops early
        once `budget` seconds are spent)."""
        lo, hi = runs
        spent = 0.0
        for i in range(hi + 1):
            t, _, code, stderr = run_once(self.argv, self.stdin, self.cwd, self.timeout)
            if code is None:
                self.timed_out = True
                self.times.append(t)
                return self
            if code not in self.ok_codes:
                self.error = f"{self.name}: exit {code}: {stderr.strip()[-2000:]}"
                return self
            if i == 0 and t > budget / 2:
                # A slow tool: the warm-up counts, no more runs than needed.
                self.times.append(t)
                spent += t
                if spent > budget:
                    break
                continue
            if i > 0:
                self.times.append(t)
                spent += t
                if len(self.times) >= lo and spent > budget:
                    break
        if self.times and not self.timed_out:
            rss = peak_rss_kib(self.argv, self.stdin, self.cwd, self.timeout)
            if rss is not None:
                self.rss.append(rss)
        return self

    @property
    def median(self):
        return statistics.median(self.times) if self.times else None

    @property
    def peak_kib(self):
        return statistics.median(self.rss) if self.rss else None

    def cell(self):
        if self.error:
            return "error"
        if self.timed_out:
            return f"> {self.timeout:.0f} s (timeout)"
        return fmt_time(self.median)


def fmt_time(s):
    if s is None:
        return "–"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    return f"{s:.2f} s"


def fmt_ratio(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}×"
    return f"{x:.1f}×"


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        return f"? ({exc})"


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Linux {platform.release()}"


# --- equivalence of mcp-chart's and kustomize's output ----------------------------


def objects(text):
    out = {}
    for doc in yaml.safe_load_all(text):
        if not isinstance(doc, dict):
            continue
        key = (doc.get("kind"), (doc.get("metadata") or {}).get("name"))
        if key in out:
            raise ToolError(f"duplicate object {key}")
        out[key] = doc
    return out


def same_objects(ours, theirs):
    """The two streams hold the same objects (order and formatting aside)."""
    a, b = objects(ours), objects(theirs)
    if a.keys() != b.keys():
        missing = sorted(map(str, a.keys() ^ b.keys()))[:5]
        return f"different objects: {missing}"
    for key in a:
        if a[key] != b[key]:
            return f"{key[0]}/{key[1]} differs"
    return None


# --- the benchmark ----------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--mcp-chart", required=True)
    ap.add_argument("--helm", required=True)
    ap.add_argument("--check-jsonschema", required=True)
    ap.add_argument("--kubectl", required=True)
    ap.add_argument("--base", required=True, help="one release as Helm hands it to a post-renderer")
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--scenarios", default="all,one")
    ap.add_argument("--kustomize-timeout", type=float, default=300)
    ap.add_argument("--sections", default="validate,post-render,mixed", help="which sections to run")
    ap.add_argument("--mixed-mb", type=float, default=50, help="size of the mixed stream (section mixed)")
    ap.add_argument("--baseline", help="another mcp-chart build, timed beside it in the validate section")
    ap.add_argument("--module", help="mcp-chart-module.wasm, for the section `engine` (--engine wasm vs native)")
    ap.add_argument("--budget", type=float, default=5.0, help="seconds of timed runs per cell")
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--command", default="benchmarks/bench.py", help="the command line to record in RESULTS.md")
    args = ap.parse_args()

    smoke = args.smoke
    runs = (1, 2) if smoke else (5, 30)
    budget = 0.5 if smoke else args.budget
    work = pathlib.Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    failures = []
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = load_avg()
    rows_v, rows_p, rows_b = [], [], []
    results = {"validate": [], "post_render": []}

    def checked(m):
        if m.error:
            failures.append(m.error)
            print(f"  FAILED {m.error}", file=sys.stderr)
        return m

    # validate -------------------------------------------------------------------
    schema = REPO / "schema/values.schema.json"
    chart = REPO / "charts/mcp-server"
    files = [REPO / "examples/python-aws-docs.yaml", REPO / "examples/stdio-gateway-named-servers.yaml"]
    load_v = load_avg()
    sections = args.sections.split(",")
    for f in files if "validate" in sections else []:
        rel = f.relative_to(REPO)
        print(f"validate {rel} (load {load_avg()})", file=sys.stderr)
        ours = checked(Measure("mcp-chart validate", [args.mcp_chart, "validate", "-f", str(f)]).run(runs, budget))
        if args.baseline:
            base = checked(Measure("baseline validate", [args.baseline, "validate", "-f", str(f)]).run(runs, budget))
            speedup = base.median / ours.median if base.median and ours.median else None
            rows_b.append(f"| `{rel}` | {base.cell()} ({len(base.times)}) | {ours.cell()} ({len(ours.times)}) "
                          f"| {fmt_ratio(speedup)} |")
        cj = checked(
            Measure("check-jsonschema", [args.check_jsonschema, "--schemafile", str(schema), str(f)]).run(
                runs, budget
            )
        )
        lint = checked(Measure("helm lint", [args.helm, "lint", str(chart), "-f", str(f)]).run(runs, budget))
        r_cj = cj.median / ours.median if ours.median and cj.median else None
        r_lint = lint.median / ours.median if ours.median and lint.median else None
        rows_v.append(
            f"| `{rel}` ({f.stat().st_size} B) | {ours.cell()} ({len(ours.times)}) | {cj.cell()} ({len(cj.times)}) "
            f"| {lint.cell()} ({len(lint.times)}) | {fmt_ratio(r_cj)} | {fmt_ratio(r_lint)} |"
        )
        results["validate"].append(
            {"file": str(rel), "mcp_chart": ours.median, "check_jsonschema": cj.median, "helm_lint": lint.median,
             "mcp_chart_peak_kib": ours.peak_kib}
        )

    # post-render ------------------------------------------------------------------
    sizes = [int(s) for s in args.sizes.split(",")]
    growth = {}
    load_p = load_avg()
    for scenario in args.scenarios.split(",") if "post-render" in sections else []:
        kustomize_gave_up = False
        for n in sizes:
            d = work / f"{scenario}-{n}"
            if d.exists():
                shutil.rmtree(d)
            gen = subprocess.run(
                [sys.executable, str(HERE / "gen_stream.py"), "--base", args.base, "--docs", str(n),
                 "--inject", scenario, "--out", str(d)],
                capture_output=True, text=True, check=True,
            )
            info = json.loads(gen.stdout)
            stream = info["stream"]
            size = info["bytes"]
            mb = size / 1e6
            print(f"post-render {scenario} {info['documents']} docs {mb:.1f} MB (load {load_avg()})", file=sys.stderr)

            # Correctness first (not timed): mcp-chart succeeds and, on the smallest
            # stream, kustomize produces the same objects.
            out_file = d / "mcp-chart.out.yaml"
            _, _, code, stderr = run_once([args.mcp_chart, "post-render"], stream, stdout_path=str(out_file))
            if code != 0:
                failures.append(f"mcp-chart post-render ({scenario}, {n}): exit {code}: {stderr.strip()}")
            elif out_file.stat().st_size == 0:
                failures.append(f"mcp-chart post-render ({scenario}, {n}): empty output")
            if n == sizes[0]:
                k_file = d / "kustomize.out.yaml"
                _, _, code, stderr = run_once([args.kubectl, "kustomize", str(d)], stdout_path=str(k_file))
                if code != 0:
                    failures.append(f"kubectl kustomize ({scenario}, {n}): exit {code}: {stderr.strip()}")
                else:
                    diff = same_objects(out_file.read_text(), k_file.read_text())
                    if diff:
                        failures.append(f"kustomize and mcp-chart disagree ({scenario}, {n}): {diff}")
                    else:
                        print("  kustomize output = mcp-chart output (same objects)", file=sys.stderr)

            cat = checked(Measure("cat", ["cat"], stdin=stream).run(runs, budget))
            ours = checked(Measure("mcp-chart post-render", [args.mcp_chart, "post-render"], stdin=stream).run(runs, budget))
            kust = None
            if not (smoke and n > sizes[0]) and not kustomize_gave_up:
                kust = checked(
                    Measure("kubectl kustomize", [args.kubectl, "kustomize", str(d)],
                            timeout=args.kustomize_timeout).run(runs if not smoke else (1, 1), budget)
                )
                kustomize_gave_up = kust.timed_out
            peak_mb = ours.peak_kib / 1024 if ours.peak_kib else None
            limit_mb = 3 * size / 2**20 + 16
            r_k = kust.median / ours.median if kust and not kust.timed_out and kust.median and ours.median else None
            r_cat = ours.median / cat.median if ours.median and cat.median else None
            thr = mb / ours.median if ours.median else None
            k_cell = kust.cell() if kust else ("not run (timed out below)" if kustomize_gave_up else "not run")
            if kust and kust.timed_out:
                r_cell = f"> {kust.timeout / ours.median:,.0f}×" if ours.median else "–"
            else:
                r_cell = fmt_ratio(r_k)
            k_peak = f"{kust.peak_kib / 1024:.0f}" if kust and kust.peak_kib else "–"
            rows_p.append(
                f"| {scenario} | {info['documents']:,} | {mb:.1f} | {cat.cell()} | {ours.cell()} | {k_cell} "
                f"| {thr:,.0f} | {r_cell} | {fmt_ratio(r_cat)} | {peak_mb:.0f} / {limit_mb:.0f} | {k_peak} |"
                if thr and peak_mb
                else f"| {scenario} | {info['documents']:,} | {mb:.1f} | {cat.cell()} | {ours.cell()} | {k_cell} | – | – | – | – | – |"
            )
            growth.setdefault(scenario, []).append((info["documents"], size, cat.median, ours.median,
                                                    None if not kust or kust.timed_out else kust.median))
            results["post_render"].append(
                {"scenario": scenario, "documents": info["documents"], "bytes": size, "cat": cat.median,
                 "mcp_chart": ours.median, "kustomize": None if not kust else kust.median,
                 "kustomize_timed_out": bool(kust and kust.timed_out), "mcp_chart_peak_kib": ours.peak_kib,
                 "kustomize_peak_kib": kust.peak_kib if kust else None}
            )
    mixed_lines = mixed_section(args, work, runs, budget, failures, checked, results) if "mixed" in sections else []
    engine_lines = engine_section(args, runs, budget, work, checked, results) if "engine" in sections else []
    load_end = load_avg()

    # report ---------------------------------------------------------------------------
    versions = {
        "mcp-chart": version([args.mcp_chart, "--version"]) + f" (commit {git_commit()}, {'debug' if smoke else 'release'} build)",
        "check-jsonschema": version([args.check_jsonschema, "--version"]),
        "helm": version([args.helm, "version", "--short"]),
        "kubectl kustomize": version([args.kubectl, "version", "--client"]) + ", " + kustomize_version(args.kubectl),
        "cat": version(["cat", "--version"]),
    }
    lines = [
        "# Benchmark results" + (" (smoke run: tiny sizes, timings meaningless)" if smoke else ""),
        "",
        f"- date: {started:%Y-%m-%d %H:%M} UTC",
        f"- machine: {machine()}",
        f"- load average (1/5/15 min) at start {load_start}, before post-render {load_p}, at end {load_end}",
        "- versions: " + "; ".join(f"{k}: {v}" for k, v in versions.items()),
        f"- command: `{args.command}` (kustomize timeout {args.kustomize_timeout:g} s); whole processes, median of the timed runs "
        "(count in parentheses) after one warm-up; peak memory is the maximum RSS of one more run "
        "(`/usr/bin/time -f %M`)",
        "",
        "## validate",
        "",
        f"Load average before this section: {load_v}.",
        "",
        "| values file | `mcp-chart validate -f` | `check-jsonschema --schemafile` | `helm lint -f` | "
        "check-jsonschema ÷ mcp-chart | helm lint ÷ mcp-chart |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows_v,
        "",
        *([f"Against the baseline build `{args.baseline}`, timed in the same run:", "",
           "| values file | baseline | this build | baseline ÷ this build |", "| --- | --- | --- | --- |",
           *rows_b, ""] if rows_b else []),
        "## post-render",
        "",
        "`all`: every release in the stream carries the chart's annotation, so every workload gets the "
        "gateway and every Ingress and HTTPRoute gets timeouts (about 70 % of the output is rewritten). "
        "`one`: one release among the others, which pass through untouched.",
        "",
        "| scenario | documents | MB | `cat` | `mcp-chart post-render` | `kubectl kustomize` | mcp-chart MB/s | "
        "kustomize ÷ mcp-chart | mcp-chart ÷ cat | mcp-chart peak MB / limit (3 × input + 16 MB) | kustomize peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows_p,
        "",
        "### Growth with stream size",
        "",
        "Time per 1,000 documents, and the exponent k in time ∝ size^k between consecutive sizes "
        "(1 = linear).",
        "",
        "| scenario | documents | cat ms / 1k docs | mcp-chart ms / 1k docs | k (mcp-chart) | kustomize ms / 1k docs | k (kustomize) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    import math

    for scenario, points in growth.items():
        prev = None
        for docs, size, c, o, k in points:
            ko = kk = "–"
            if prev and o and prev[3]:
                ko = f"{math.log(o / prev[3]) / math.log(size / prev[1]):.2f}"
            if prev and k and prev[4]:
                kk = f"{math.log(k / prev[4]) / math.log(size / prev[1]):.2f}"
            per = lambda t: f"{t * 1000 / (docs / 1000):.1f}" if t else "–"  # noqa: E731
            lines.append(f"| {scenario} | {docs:,} | {per(c)} | {per(o)} | {ko} | {per(k)} | {kk} |")
            prev = (docs, size, c, o, k)
    lines += mixed_lines
    lines += engine_lines
    lines += ["", "## Targets (issue 9)", "", "| target | measured | met |", "| --- | --- | --- |"]
    lines += targets(results)
    if failures:
        lines += ["", "## Failures", "", *[f"- {f}" for f in failures]]
    text = "\n".join(lines) + "\n"
    pathlib.Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    pathlib.Path(args.out).write_text(text)
    pathlib.Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1) + "\n")
    print(text)
    if failures:
        print(f"{len(failures)} tool failure(s)", file=sys.stderr)
        return 1
    return 0


def mixed_section(args, work, runs, budget, failures, checked, results):
    """Issue 15: a ~50 MB stream of many charts' documents with one mcp-server
    release inside (gen_mixed.py), post-rendered beside cat and kustomize.
    Returns the report's lines."""
    d = work / "mixed"
    if d.exists():
        shutil.rmtree(d)
    gen = subprocess.run(
        [sys.executable, str(HERE / "gen_mixed.py"), "--base", args.base, "--mb", str(args.mixed_mb), "--out", str(d)],
        capture_output=True, text=True, check=True,
    )
    info = json.loads(gen.stdout)
    stream, size = info["stream"], info["bytes"]
    mb = size / 1e6
    load = load_avg()
    print(f"post-render mixed {info['documents']} docs {mb:.1f} MB (load {load})", file=sys.stderr)
    # Correctness (not timed): only the release's Deployment, Ingress and
    # HTTPRoute change, one ConfigMap is added, everything else is byte for byte.
    out_file = d / "mcp-chart.out.yaml"
    _, _, code, stderr = run_once([args.mcp_chart, "post-render"], stream, stdout_path=str(out_file))
    if code != 0:
        failures.append(f"mcp-chart post-render (mixed): exit {code}: {stderr.strip()}")
    else:
        split = lambda t: re.split(r"(?m)^(?=---[ \t]*(?:#.*)?$)", t)  # noqa: E731
        before, after = split(pathlib.Path(stream).read_text()), split(out_file.read_text())
        after_set = set(after)
        changed = [p for p in before if p not in after_set]
        if len(changed) != 3 or len(after) != len(before) + 1:
            failures.append(f"mcp-chart post-render (mixed): {len(changed)} documents changed, "
                            f"{len(after) - len(before)} added (expected 3 and 1)")
    cat = checked(Measure("cat", ["cat"], stdin=stream).run(runs, budget))
    ours = checked(Measure("mcp-chart post-render", [args.mcp_chart, "post-render"], stdin=stream).run(runs, budget))
    kust = checked(
        Measure("kubectl kustomize", [args.kubectl, "kustomize", str(d)], timeout=args.kustomize_timeout).run(
            (1, 3) if not args.smoke else (1, 1), budget)
    )
    peak_mb = ours.peak_kib / 1024 if ours.peak_kib else None
    limit_mb = 1.5 * size / 2**20 + 16
    thr = mb / ours.median if ours.median else None
    r_cat = ours.median / cat.median if ours.median and cat.median else None
    r_k = kust.median / ours.median if not kust.timed_out and kust.median and ours.median else None
    k_peak = f"{kust.peak_kib / 1024:.0f}" if kust.peak_kib else "–"
    results["mixed"] = {
        "documents": info["documents"], "crds": info["crds"], "bytes": size, "cat": cat.median,
        "mcp_chart": ours.median, "kustomize": kust.median, "kustomize_timed_out": kust.timed_out,
        "mcp_chart_peak_kib": ours.peak_kib, "kustomize_peak_kib": kust.peak_kib,
    }
    return [
        "",
        "## post-render: a mixed stream (issue 15)",
        "",
        f"Load average before this section: {load}. `benchmarks/gen_mixed.py`: {info['documents']:,} documents "
        f"of {info['charts']:,} charts' kinds (ServiceAccounts, dashboard ConfigMaps, Secrets, ClusterRoles, "
        "Services, Deployments, MinIO-style StatefulSets, DaemonSets, hook Jobs, Ingresses, PrometheusRules, "
        f"NetworkPolicies) and {info['crds']} CRDs with lines up to ~180 KB, one mcp-server release in the "
        "middle (its Deployment, Ingress and HTTPRoute change, one ConfigMap is added).",
        "",
        "| MB | `cat` | `mcp-chart post-render` | `kubectl kustomize` | mcp-chart MB/s | mcp-chart ÷ cat "
        "| kustomize ÷ mcp-chart | mcp-chart peak MB / limit (1.5 × input + 16 MB) | kustomize peak MB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {mb:.1f} | {cat.cell()} ({len(cat.times)}) | {ours.cell()} ({len(ours.times)}) | {kust.cell()} "
        f"({len(kust.times)}) | {thr:,.0f} | {fmt_ratio(r_cat)} | {fmt_ratio(r_k)} | "
        f"{peak_mb:.0f} / {limit_mb:.0f} | {k_peak} |"
        if thr and peak_mb
        else f"| {mb:.1f} | {cat.cell()} | {ours.cell()} | {kust.cell()} | – | – | – | – | – |",
    ]


def engine_section(args, runs, budget, work, checked, results):
    """`--engine wasm` against the native engine on a typical post-render (the
    stdio gateway example's `helm template` output): warm (the compiled-code
    cache filled by the warm-up run) and cold (no cache: every run compiles).
    Returns the RESULTS.md lines."""
    if not args.module:
        raise ToolError("the section engine needs --module")
    stream = str(REPO / "wasm/fixtures/rendered/stdio-gateway-named-servers.yaml")
    cache = work / "wasm-cache"
    shutil.rmtree(cache, ignore_errors=True)
    load = load_avg()
    print(f"engine: native vs wasm post-render (load {load})", file=sys.stderr)
    wasm = [args.mcp_chart, "post-render", "--engine", "wasm", "--wasm-module", args.module]
    native = checked(Measure("post-render (native)", [args.mcp_chart, "post-render"], stdin=stream).run(runs, budget))
    saved = os.environ.get("MCP_CHART_WASM_CACHE")
    try:
        os.environ["MCP_CHART_WASM_CACHE"] = str(cache)
        warm = checked(Measure("post-render --engine wasm (warm)", wasm, stdin=stream).run(runs, budget))
        schema_native = checked(Measure("schema (native)", [args.mcp_chart, "schema"]).run(runs, budget))
        schema_wasm = checked(Measure("schema --engine wasm (warm)", [args.mcp_chart, "schema", "--engine", "wasm",
                                                                      "--wasm-module", args.module]).run(runs, budget))
        os.environ["MCP_CHART_WASM_CACHE"] = "off"
        cold = checked(Measure("post-render --engine wasm (cold)", wasm, stdin=stream).run((1, 3), budget))
    finally:
        if saved is None:
            os.environ.pop("MCP_CHART_WASM_CACHE", None)
        else:
            os.environ["MCP_CHART_WASM_CACHE"] = saved
    ratio = lambda a, b: fmt_ratio(a.median / b.median) if a.median and b.median else "–"  # noqa: E731
    results["engine"] = {"native": native.median, "wasm_warm": warm.median, "wasm_cold": cold.median,
                         "schema_native": schema_native.median, "schema_wasm_warm": schema_wasm.median,
                         "native_peak_kib": native.peak_kib, "wasm_warm_peak_kib": warm.peak_kib}
    mib = lambda m: f"{m.peak_kib / 1024:.0f}" if m.peak_kib else "–"  # noqa: E731
    return [
        "",
        "## wasm engine",
        "",
        f"Load average before this section: {load}. A typical post-render: `{pathlib.Path(stream).relative_to(REPO)}` "
        "on stdin; warm: the compiled-code cache filled by the warm-up run; cold: `MCP_CHART_WASM_CACHE=off` "
        "(every run compiles the module).",
        "",
        "| command | native | `--engine wasm` | wasm ÷ native | peak MB native / wasm |",
        "| --- | --- | --- | --- | --- |",
        f"| post-render, warm cache | {native.cell()} ({len(native.times)}) | {warm.cell()} ({len(warm.times)}) "
        f"| {ratio(warm, native)} | {mib(native)} / {mib(warm)} |",
        f"| post-render, cold (no cache) | {native.cell()} | {cold.cell()} ({len(cold.times)}) "
        f"| {ratio(cold, native)} | {mib(native)} / {mib(cold)} |",
        f"| schema, warm cache | {schema_native.cell()} ({len(schema_native.times)}) "
        f"| {schema_wasm.cell()} ({len(schema_wasm.times)}) | {ratio(schema_wasm, schema_native)} "
        f"| {mib(schema_native)} / {mib(schema_wasm)} |",
    ]


def targets(results):
    """The issue's targets against this run, one table row each."""
    rows = []
    yes = lambda ok: "yes" if ok else "**no**"  # noqa: E731
    pr = results["post_render"]
    for r in pr:
        if r["documents"] == 1000 and r["kustomize"] and not r["kustomize_timed_out"] and r["mcp_chart"]:
            x = r["kustomize"] / r["mcp_chart"]
            rows.append(f"| post-render ≥ 200× faster than kustomize on 1,000 documents ({r['scenario']}) "
                        f"| {x:,.0f}× ({fmt_time(r['kustomize'])} vs {fmt_time(r['mcp_chart'])}) | {yes(x >= 200)} |")
    for r in pr:
        if r["documents"] >= 10000:
            if r["kustomize_timed_out"]:
                rows.append(f"| kustomize on {r['documents']:,} documents ({r['scenario']}) "
                            f"| did not finish within the timeout ({fmt_time(r['kustomize'])}) | (reported) |")
            if r["cat"] and r["mcp_chart"]:
                x = r["mcp_chart"] / r["cat"]
                rows.append(f"| within 5× of cat on {r['documents']:,} documents ({r['scenario']}) "
                            f"| {x:,.0f}× ({fmt_time(r['mcp_chart'])} vs {fmt_time(r['cat'])}) | {yes(x <= 5)} |")
    by = {}
    for r in pr:
        by.setdefault(r["scenario"], []).append(r)
    for scenario, rs in by.items():
        rs = sorted(rs, key=lambda r: r["documents"])
        for a, b in zip(rs, rs[1:]):
            if a["mcp_chart"] and b["mcp_chart"] and a["documents"] >= 1000:
                import math

                k = math.log(b["mcp_chart"] / a["mcp_chart"]) / math.log(b["bytes"] / a["bytes"])
                rows.append(f"| time linear in stream size ({scenario}, {a['documents']:,} → {b['documents']:,}) "
                            f"| k = {k:.2f} | {yes(k <= 1.1)} |")
    for v in results["validate"]:
        if v["mcp_chart"] and v["check_jsonschema"]:
            x = v["check_jsonschema"] / v["mcp_chart"]
            rows.append(f"| validate ≥ 100× faster than check-jsonschema (`{v['file']}`) "
                        f"| {x:,.0f}× ({fmt_time(v['check_jsonschema'])} vs {fmt_time(v['mcp_chart'])}) | {yes(x >= 100)} |")
    for r in pr:
        if r["mcp_chart_peak_kib"]:
            peak = r["mcp_chart_peak_kib"] / 1024
            limit = 3 * r["bytes"] / 2**20 + 16
            rows.append(f"| peak memory < 3 × input + 16 MB ({r['scenario']}, {r['documents']:,} documents) "
                        f"| {peak:.0f} MB of {limit:.0f} MB | {yes(peak < limit)} |")
    return rows


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def kustomize_version(kubectl):
    out = subprocess.run([kubectl, "version", "--client"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "Kustomize" in line:
            return line.strip()
    return "kustomize ?"


if __name__ == "__main__":
    sys.exit(main())
