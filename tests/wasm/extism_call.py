"""Calls `helm_plugin_main` of an extism plugin the way Helm 4's extism/v1
runtime does: WASI on, no host functions, the memory cap and timeout of
plugin.yaml, a new plugin instance per call. Used by
crates/mcp-chart/tests/wasm_helm_plugin.rs (PyPI `extism`).

    python tests/wasm/extism_call.py PLUGIN.wasm < input.json
        the export's output on stdout; on failure its error on stderr, exit 1
    python tests/wasm/extism_call.py PLUGIN.wasm --batch < inputs.jsonl
        one input per line (a JSON string holding Helm's input message); one
        line out per input: {"ok": "<output>"} or {"error": "<message>"}
"""
import json
import sys

import extism
from extism.extism import CompiledPlugin  # not re-exported by extism 1.1.1

FUNCTION = "helm_plugin_main"


def compile_plugin(wasm: str) -> CompiledPlugin:
    manifest = {
        "wasm": [{"path": wasm}],
        "memory": {"max_pages": 16384},
        "timeout_ms": 60000,
    }
    return CompiledPlugin(manifest, wasi=True, functions=[])


def call(compiled: CompiledPlugin, data: bytes) -> bytes:
    plugin = extism.Plugin(compiled)
    try:
        return bytes(plugin.call(FUNCTION, data))
    finally:
        del plugin


def main() -> int:
    compiled = compile_plugin(sys.argv[1])
    if sys.argv[2:] == ["--batch"]:
        for line in sys.stdin:
            data = json.loads(line).encode()
            try:
                result = {"ok": call(compiled, data).decode()}
            except extism.Error as err:
                result = {"error": str(err)}
            sys.stdout.write(json.dumps(result) + "\n")
        return 0
    try:
        output = call(compiled, sys.stdin.buffer.read())
    except extism.Error as err:
        sys.stderr.write(f"{err}\n")
        return 1
    sys.stdout.buffer.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
