#!/usr/bin/env python3
"""What each crate costs in a .wasm file: code bytes per crate, from the name section.

    python3 scripts/wasm-size-by-crate.py MODULE.wasm [--top N] [--functions CRATE]

The module must keep its `name` section (build it with `strip = "debuginfo"` or
`false`, before wasm-bindgen removes the names). Each function body's size in
the code section is charged to the crate that its (demangled) name starts with;
for `<A as B>::f` the crate of `A`, or of `B` when `A` is a std type or a
generic parameter: the code was monomorphised for A's crate. Data segments are
reported as one line (string constants, tables, the embedded schema). This is
what `twiggy top` reports per function, summed per crate; inlining moves code
into its caller, so a crate whose functions were all inlined shows as 0.
"""

import argparse
import collections
import re
import sys


def leb(buf, pos):
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def sections(buf):
    assert buf[:4] == b"\0asm", "not a wasm module"
    pos = 8
    while pos < len(buf):
        sid = buf[pos]
        size, pos = leb(buf, pos + 1)
        yield sid, buf[pos : pos + size]
        pos += size


def imported_functions(body):
    count, pos = leb(body, 0)
    funcs = 0
    for _ in range(count):
        for _ in range(2):  # module, field
            n, pos = leb(body, pos)
            pos += n
        kind = body[pos]
        pos += 1
        if kind == 0:
            _, pos = leb(body, pos)
            funcs += 1
        elif kind == 1:
            pos += 1
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 2:
            flags, pos = leb(body, pos)
            _, pos = leb(body, pos)
            if flags & 1:
                _, pos = leb(body, pos)
        elif kind == 3:
            pos += 2
        else:
            _, pos = leb(body, pos)
    return funcs


def function_names(body):
    names = {}
    pos = 0
    n, pos = leb(body, pos)
    pos += n  # "name"
    while pos < len(body):
        sub = body[pos]
        size, pos = leb(body, pos + 1)
        end = pos + size
        if sub == 1:
            count, p = leb(body, pos)
            for _ in range(count):
                idx, p = leb(body, p)
                ln, p = leb(body, p)
                names[idx] = body[p : p + ln].decode("utf-8", "replace")
                p += ln
        pos = end
    return names


STD = {"core", "alloc", "std", "hashbrown", "compiler_builtins", "dlmalloc"}

ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",", "$SP$": "@", "$LP$": "(", "$RP$": ")"}


def demangle(name):
    """Rust's legacy mangling (`_ZN3foo3barE`, hash segment dropped)."""
    if name.startswith("_R"):
        # v0 mangling (std's prebuilt code): keep the first crate's name.
        v0 = re.search(r"C(?:s[0-9A-Za-z]*_)?(\d+)", name)
        if v0:
            start = v0.end()
            return name[start : start + int(v0.group(1))] + "::?"
        return name
    m = re.match(r"^_?ZN(.*)E(\.llvm\.\d+)?$", name)
    if not m:
        return name
    rest, parts = m.group(1), []
    while rest and rest[0].isdigit():
        n = re.match(r"\d+", rest).group(0)
        rest = rest[len(n):]
        parts.append(rest[: int(n)])
        rest = rest[int(n):]
    if parts and re.fullmatch(r"h[0-9a-f]{16}", parts[-1]):
        parts.pop()
    out = []
    for part in parts:
        part = part[1:] if part.startswith("_$") else part
        for k, v in ESCAPES.items():
            part = part.replace(k, v)
        part = re.sub(r"\$u([0-9a-f]+)\$", lambda u: chr(int(u.group(1), 16)), part)
        out.append(part.replace("..", "::"))
    return "::".join(out)


def crate_of(name):
    name = demangle(name)
    m = re.match(r"^<(.+?) as ([^>]+)>::", name)
    if m:
        left, right = m.group(1), m.group(2)
        left = left.lstrip("&*").replace("mut ", "").replace("const ", "")
        left = re.sub(r"^\[|^\(", "", left)
        head = left.split("::")[0].split("<")[0]
        if "::" in left and head not in STD:
            return head
        # A std type or a generic: charge the trait's crate, or the type
        # parameter's (`Vec<jsonschema::X>` is jsonschema's code).
        inner = re.search(r"<([a-z_][a-z0-9_]*)::", left)
        if inner and inner.group(1) not in STD:
            return inner.group(1)
        return right.split("::")[0].split("<")[0]
    head = re.split(r"::|<", name.lstrip("<&*"))[0]
    if head in STD:
        inner = re.search(r"<[&*]?(?:mut )?([a-z_][a-z0-9_]*)::", name)
        if inner and inner.group(1) not in STD:
            return inner.group(1)
    return head or "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("module")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--functions", metavar="CRATE", help="list CRATE's largest functions")
    args = ap.parse_args()
    buf = open(args.module, "rb").read()
    imports = 0
    code = None
    names = {}
    sizes = collections.Counter()
    for sid, body in sections(buf):
        if sid == 2:
            imports = imported_functions(body)
        elif sid == 10:
            code = body
        elif sid == 11:
            sizes["(data segments)"] += len(body)
        elif sid == 0:
            n, p = leb(body, 0)
            if body[p : p + n] == b"name":
                names = function_names(body)
                sizes["(name section)"] += len(body)
            else:
                sizes["(custom: %s)" % body[p : p + n].decode()] += len(body)
    if not names:
        sys.exit("no name section: build with names kept (see the docstring)")
    count, pos = leb(code, 0)
    per_fn = []
    for i in range(count):
        size, start = leb(code, pos)
        name = names.get(imports + i, "?")
        per_fn.append((size + start - pos, name))
        pos = start + size
    crates = collections.Counter()
    for size, name in per_fn:
        crates[crate_of(name)] += size
    total = len(buf)
    code_total = sum(crates.values())
    print(f"{args.module}: {total} bytes, code {code_total} bytes in {count} functions")
    print(f"| crate | code bytes | share of code |")
    print(f"| --- | ---: | ---: |")
    for crate, size in crates.most_common(args.top):
        print(f"| {crate} | {size} | {100 * size / code_total:.1f} % |")
    for what, size in sizes.items():
        print(f"| {what} | {size} | |")
    if args.functions:
        print()
        for size, name in sorted(per_fn, reverse=True):
            if crate_of(name) == args.functions:
                print(f"{size:8} {demangle(name)[:160]}")
                args.top -= 1
                if args.top == 0:
                    break


if __name__ == "__main__":
    main()
