#!/usr/bin/env python3
"""Seeded grammar fuzzer: random values files and `--set`-family arguments,
real Helm against `mcp-chart values`, every answer compared.

    python3 tests/helm_values/fuzz.py MCP_CHART --cases 300 --seed 1 [--helm 3|4|both]

Each case: random chart defaults, zero to two values files and zero to three
`--set` / `--set-string` / `--set-json` / `--set-literal` arguments, built
from a grammar whose tokens are the tricky parts of Helm's values reading
(YAML 1.1 words and numbers, tags, anchors and merge keys, strvals escapes,
indexes and braces). Helm's answer (`toJson .Values`, the Go types, or a
refusal) must equal `mcp-chart values --format json` / `--format go-types`
(or its refusal). A difference prints the case (as a ready-to-add case for
cases/*.json) and fails the run. Same seed, same cases.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # noqa: E402

KEYS = ["a", "b", "c", "name", "list", "x.y", "yes", "no", "on", "y", "n", "1", "0x1f", "1e3",
        "1.5", "true", "'q'", "\"d q\"", "k_1", "-k", "é", "01", "1_0", "image", "tag"]
RARE_KEYS = ["null", "~", "<<", "18446744073709551615", "1e39", "!!str 5", "*nope", "? [x]"]
SCALARS = ["1", "-1", "0", "00", "012", "0x1F", "0o17", "0b11", "1_000", "1e3", "1.5", "-.5",
           ".5", "1e309", "9007199254740993", "18446744073709551615", "0xFFFFFFFFFFFFFFFF",
           "99999999999999999999", "yes", "No", "on", "OFF", "y", "true", "False", "tRue",
           "null", "~", "Null", "nUll", "", "''", "\"\"", "x", "\"quoted\"", "'it''s'",
           "2001-12-14", "12:30", "!!str 1", "!!int \"7\"", "!!float 2", "!custom x",
           "!!binary aGk=", "\"\\u00e9\\t\"", "<b>&amp;", "a b", "-", "[]", "{}", "[1, x]",
           "{p: 1}", "\"1e3\"", "0.1", "1e21", "1e-7", "-0", "+1"]
RARE_SCALARS = [".inf", "-.inf", ".nan", "!!int x", "!!bool 1", "[1, 2", "\"\\q\"", "@x", "a: b", "%x"]
SET_VALUES = ["1", "0", "00", "-1", "+5", "007", "1.5", "1e3", "true", "TRUE", "falſe", "null",
              "NULL", "", "x", "x y", "{}", "{a,b}", "{1,}", "{a\\,b}", "a\\,b", "\\=", "é",
              "9223372036854775807", "9223372036854775808", "0x10", "[1]", "\"s\""]
JSON_VALUES = ["1", "1.0", "1e2", "-0", "\"s\"", "true", "null", "", "[1,2]", "{\"a\":null}",
               "{\"a\":{\"b\":1}}", "[{\"x\":1}]", "12345678901234567890", "1e400", "tru", "\"\\u00e9\""]


def yaml_value(rng: random.Random, depth: int, indent: int, anchors: list[str]) -> str:
    r = rng.random()
    if depth < 3 and r < 0.25:
        return "\n" + yaml_map(rng, depth + 1, indent + 2, anchors)
    if depth < 3 and r < 0.35:
        items = [yaml_value(rng, 3, indent + 2, anchors) for _ in range(rng.randint(0, 3))]
        if not items:
            return "[]"
        return "\n" + "".join(f"{' ' * indent}- {i.strip() or '~'}\n" for i in items if "\n" not in i.strip()).rstrip("\n")
    if anchors and r < 0.4:
        return "*" + rng.choice(anchors)
    value = rng.choice(RARE_SCALARS if rng.random() < 0.02 else SCALARS)
    if r > 0.95:
        name = f"a{len(anchors)}"
        anchors.append(name)
        return f"&{name} {value}"
    return value


def yaml_map(rng: random.Random, depth: int, indent: int, anchors: list[str]) -> str:
    lines = []
    for _ in range(rng.randint(1, 4)):
        key = rng.choice(RARE_KEYS if rng.random() < 0.02 else KEYS)
        value = yaml_value(rng, depth, indent, anchors)
        if key == "<<" and not value.startswith("\n") and rng.random() < 0.9:
            value = "{m: 1, a: 2}"
        if value.startswith("\n"):
            lines.append(f"{' ' * indent}{key}:{value}")
        else:
            lines.append(f"{' ' * indent}{key}: {value}")
    return "\n".join(lines)


def yaml_file(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.03:
        return rng.choice(["", "# only a comment\n", "---\n", "~\n", "a: 1\n---\nb: 2\n", "- x\n"])
    text = yaml_map(rng, 0, 0, []) + "\n"
    if rng.random() < 0.05:
        text = "a: &base {x: 1, y: 2}\nm:\n  y: 0\n  <<: *base\n" + text
    return text


def set_path(rng: random.Random) -> str:
    parts = []
    for i in range(rng.randint(1, 3)):
        key = rng.choice(["a", "b", "c", "list", "x\\.y", "name", "n", "é", "a b", ""])
        if i and rng.random() < 0.15:
            parts.append(f"[{rng.choice(['0', '1', '2', '0', '1', '-1', 'x', '65537'])}]")
            continue
        parts.append(("." if parts else "") + key)
        if rng.random() < 0.2:
            parts.append(f"[{rng.choice(['0', '1', '3'])}]")
    return "".join(parts)


def set_arg(rng: random.Random) -> list[str]:
    flag = rng.choices(["--set", "--set-string", "--set-json", "--set-literal"], [6, 2, 2, 1])[0]
    if flag == "--set-literal":
        return [flag, f"{set_path(rng)}={rng.choice(SET_VALUES)}"]
    pool = JSON_VALUES if flag == "--set-json" else SET_VALUES
    assigns = [f"{set_path(rng)}={rng.choice(pool)}" for _ in range(rng.randint(1, 3))]
    text = ",".join(assigns)
    if rng.random() < 0.05:
        text += rng.choice([",", "]", "[", "\\", "=", ".", ",,"])
    return [flag, text]


def make_case(rng: random.Random, n: int) -> dict:
    case = {"name": f"fuzz-{n}", "defaults": yaml_map(rng, 1, 0, []) + "\n" if rng.random() < 0.9 else ""}
    files = [yaml_file(rng) for _ in range(rng.choices([0, 1, 2], [2, 5, 2])[0])]
    if files:
        case["files"] = files
    args = [set_arg(rng) for _ in range(rng.choices([0, 1, 2, 3], [3, 4, 2, 1])[0])]
    if args:
        case["args"] = args
    return case


def ours(mcp_chart: str, case: dict, key: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="hvf-") as tmp:
        work = Path(tmp)
        (work / "defaults.yaml").write_text(record.defaults_text(case), encoding="utf-8")
        argv = record.write_inputs(case, work)
        base = [mcp_chart, "values", "--chart-defaults", "defaults.yaml", "--helm-version", key] + argv
        j = subprocess.run(base + ["--format", "json"], cwd=work, capture_output=True, text=True, timeout=60)
        if j.returncode == 1:
            return {"ok": False, "error": j.stderr.strip()}
        if j.returncode != 0:
            return {"ok": None, "error": j.stderr.strip()}
        t = subprocess.run(base + ["--format", "go-types"], cwd=work, capture_output=True, text=True, timeout=60)
        return {"ok": True, "values": j.stdout.rstrip("\n"), "types": t.stdout.rstrip("\n")}


def same(helm: dict, mine: dict) -> bool:
    if helm["ok"] != mine["ok"]:
        return False
    return not helm["ok"] or (helm["values"] == mine["values"] and helm["types"] == mine["types"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mcp_chart")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--helm", choices=["3", "4", "both"], default="3")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", help="write the differences here (JSON)")
    args = ap.parse_args()
    helms = record.helms()
    keys = ["3", "4"] if args.helm == "both" else [args.helm]
    rng = random.Random(args.seed)
    cases = [make_case(rng, n) for n in range(args.cases)]
    home = Path(tempfile.mkdtemp(prefix="hvf-home-"))

    def one(case):
        out = []
        for key in keys:
            h = record.run_case(case, helms[key], key, home)
            m = ours(args.mcp_chart, case, key)
            out.append((key, h, m))
        return case, out

    diffs = []
    runs = 0
    refused = 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case, results in pool.map(one, cases):
            for key, h, m in results:
                runs += 1
                refused += not h["ok"]
                if not same(h, m):
                    diffs.append({"case": case, "helm": key, "helm_answer": h, "mcp_chart": m})
    for d in diffs[:20]:
        print(json.dumps(d, ensure_ascii=False))
    if args.report:
        Path(args.report).write_text(json.dumps(diffs, indent=1, ensure_ascii=False) + "\n")
    print(f"fuzz seed {args.seed}: {runs} runs ({len(cases)} cases x Helm {'/'.join(keys)}), "
          f"{refused} refused by Helm, {len(diffs)} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
