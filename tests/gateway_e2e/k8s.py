"""Kubernetes semantics the harness has to reproduce exactly.

Only what the kubelet does to a container before its process starts:

- ``expand``: the ``$(VAR)`` / ``$$`` expansion of ``command``, ``args`` and env
  values (a line-by-line port of ``third_party/forked/golang/expansion/expansion.go``
  in kubernetes/kubernetes, which the kubelet uses);
- ``container_env``: the container's environment from ``envFrom`` and ``env``,
  each ``env`` value expanded against the variables defined before it.

Nothing here reads files or starts processes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

OPERATOR = "$"
REFERENCE_OPENER = "("
REFERENCE_CLOSER = ")"


class NotEmulated(Exception):
    """The manifest uses a Kubernetes feature the harness cannot reproduce here."""


def _syntax_wrap(name: str) -> str:
    return f"{OPERATOR}{REFERENCE_OPENER}{name}{REFERENCE_CLOSER}"


def mapping_func_for(*contexts: Mapping[str, str]) -> Callable[[str], str]:
    """Like ``MappingFuncFor``: the first context that defines the name wins;
    undefined names are written back as ``$(name)``."""

    def mapping(name: str) -> str:
        for ctx in contexts:
            if name in ctx:
                return ctx[name]
        return _syntax_wrap(name)

    return mapping


def _try_read_variable_name(rest: str) -> tuple[str, bool, int]:
    first = rest[0]
    if first == OPERATOR:
        # "$$": an escaped operator
        return rest[0:1], False, 1
    if first == REFERENCE_OPENER:
        for i in range(1, len(rest)):
            if rest[i] == REFERENCE_CLOSER:
                return rest[1:i], True, i + 1
        # an incomplete reference is returned as written
        return OPERATOR + REFERENCE_OPENER, False, 1
    # an operator that starts no expression: keep it and the next character
    return OPERATOR + first, False, 1


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """``expansion.Expand``: replace ``$(VAR)`` by ``mapping(VAR)`` and ``$$`` by ``$``."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == OPERATOR and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            read, is_var, advance = _try_read_variable_name(text[cursor + 1 :])
            out.append(mapping(read) if is_var else read)
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def container_env(container: Mapping, config_maps: Mapping[str, Mapping]) -> dict[str, str]:
    """The environment the kubelet gives the container (without service links).

    ``envFrom`` first (``configMapRef`` to a ConfigMap of the same render; other
    sources cannot be emulated), then ``env`` in order: each value is expanded
    against the variables defined so far; ``valueFrom`` cannot be emulated.
    """
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        ref = source.get("configMapRef")
        if ref is None:
            raise NotEmulated(f"envFrom source {source!r}: only configMapRef is emulated")
        cm = config_maps.get(ref.get("name"))
        if cm is None:
            if ref.get("optional"):
                continue
            raise NotEmulated(f"envFrom configMapRef {ref.get('name')!r} is not in the render")
        prefix = source.get("prefix", "")
        for key, value in (cm.get("data") or {}).items():
            env[prefix + key] = str(value)
    for item in container.get("env") or []:
        name = item["name"]
        if "valueFrom" in item:
            raise NotEmulated(f"env {name}: valueFrom is not emulated")
        env[name] = expand(str(item.get("value", "")), mapping_func_for(env))
    return env


def expand_argv(items: list[str], env: Mapping[str, str]) -> list[str]:
    """Expand every ``command``/``args`` item against the container env."""
    mapping = mapping_func_for(env)
    return [expand(str(item), mapping) for item in items]
