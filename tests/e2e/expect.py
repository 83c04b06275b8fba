"""What the chart and the post-renderer must produce for given values (the
contract of docs/chart.md and DESIGN §7), as reusable assertions."""

from __future__ import annotations

import os

from cases import Case
from lib import (
    FULLNAME,
    TRANSPORT_ANNOTATION,
    ExecView,
    annotations,
    containers,
    exec_view,
    find,
    find_all,
    kn,
    parse_duration,
    pod_spec,
    port_value,
    servers_json,
)

NGINX = "nginx.ingress.kubernetes.io/"


def expected_server(values: dict) -> tuple[str, list[str], list[str], list[str]]:
    """(image, preStart steps, command, args) of the `mcp-server` container,
    as docs/chart.md specifies them per mode."""
    mode = values["mode"]
    steps: list[str] = []
    if mode == "image":
        img = values["image"]
        tag = img["tag"] or "stable"
        image = f"{img['repository']}@{tag}" if tag.startswith("sha256:") else f"{img['repository']}:{tag}"
        command, args = list(img["command"]), list(img["args"])
    elif mode == "node":
        n = values["node"]
        image = n["image"]
        pkg = f"{n['package']}@{n['version']}" if n["version"] else n["package"]
        command, args, steps = ["npx", "-y", pkg], list(n["args"]), list(n["preStart"])
    elif mode == "python":
        p = values["python"]
        image, args, steps = p["image"], list(p["args"]), list(p["preStart"])
        pkg = p["package"]
        if p["usePip"]:
            name, _, ver = pkg.partition("@")
            spec = name if ver in ("", "latest") else f"{name}=={ver}"
            if p["fromGit"]:
                spec = p["fromGit"]
            steps.append(f"pip install --no-cache-dir '{spec}'")
            command = [name]
        else:
            command = ["uvx"] + (["--from", p["fromGit"]] if p["fromGit"] else []) + [pkg]
    else:
        raise AssertionError(f"unknown mode {mode}")
    c = values["container"]
    if c["command"]:
        command = list(c["command"])
    if c["args"]:
        args = list(c["args"])
    return image, steps, command, args


def check_setup_script(view: ExecView, steps: list[str], where: str) -> None:
    """Setup steps run first, under `set -e`, then `exec "$@"` with the argv as
    positional parameters (never re-parsed by the shell)."""
    assert view.script is not None, f"{where}: setup steps but no `sh -c` script"
    expected = "set -e\n" + "\n".join(steps) + '\n\nexec "$@"'
    assert view.script == expected, (
        f"{where}: setup script differs\n--- got\n{view.script}\n--- expected\n{expected}"
    )


def check_server_container(case: Case, docs: list[dict]) -> None:
    v = case.values
    dep = find(docs, "Deployment", FULLNAME)
    cs = containers(dep)
    assert list(cs) == ["mcp-server"], f"containers: {list(cs)}"
    c = cs["mcp-server"]
    image, steps, command, args = expected_server(v)
    assert c["image"] == image
    view = exec_view(c)
    if steps:
        assert "args" not in c, "with setup steps the whole argv must be in command:"
        assert c["command"][:2] == ["sh", "-c"] and c["command"][3] == "sh"
        check_setup_script(view, steps, "mcp-server")
        assert view.argv == command + args
    else:
        assert view.script is None
        assert (c.get("command") or []) == command
        assert (c.get("args") or []) == args
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": v["container"]["port"]}


def gateway_container(docs: list[dict]) -> dict:
    dep = find(docs, "Deployment", FULLNAME)
    cs = containers(dep)
    assert "mcp-gateway" in cs, f"no mcp-gateway container; containers: {list(cs)}"
    assert "mcp-server" not in cs, "the mcp-server container must be replaced by mcp-gateway"
    return cs["mcp-gateway"]


def allow_origins(argv: list[str]) -> list[list[str]]:
    """Each --allow-origin occurrence with the values it takes (nargs='+')."""
    groups = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            break
        if a == "--allow-origin":
            vals = []
            i += 1
            while i < len(argv) and not argv[i].startswith("-"):
                vals.append(argv[i])
                i += 1
            groups.append(vals)
            continue
        if a.startswith("--allow-origin="):
            groups.append([a.split("=", 1)[1]])
        i += 1
    return groups


def expected_default_server(case: Case) -> list[str] | None:
    gw = case.transport["stdioGateway"]
    if gw["server"]["command"]:
        return [gw["server"]["command"]] + [str(a) for a in gw["server"]["args"]]
    _, _, command, args = expected_server(case.values)
    argv = command + args
    return argv or None


def servers_volume_mount(dep: dict, container: dict, cm_name: str) -> tuple[dict, dict]:
    vols = {v["name"]: v for v in pod_spec(dep).get("volumes") or []}
    for m in container.get("volumeMounts") or []:
        vol = vols.get(m["name"]) or {}
        if (vol.get("configMap") or {}).get("name") == cm_name:
            return m, vol
    raise AssertionError(f"no volumeMount of ConfigMap {cm_name} in {container.get('volumeMounts')}")


def check_gateway(case: Case, docs: list[dict]) -> None:
    v = case.values
    gw = case.transport["stdioGateway"]
    dep = find(docs, "Deployment", FULLNAME)
    g = gateway_container(docs)
    where = "mcp-gateway"
    assert g["image"] == gw["image"]
    assert g.get("imagePullPolicy") == gw["pullPolicy"]
    # the port the proxy listens on, named so the Service's targetPort reaches it
    ports = {p.get("name"): p["containerPort"] for p in g.get("ports") or []}
    assert ports.get("http") == gw["port"], f"gateway ports {ports}, want http={gw['port']}"
    view = exec_view(g)
    if gw["preStart"]:
        check_setup_script(view, gw["preStart"], where)
    argv = view.argv
    assert argv, f"{where}: no argv"
    assert os.path.basename(argv[0]) == "mcp-proxy", f"{where}: argv[0] is {argv[0]!r}: {argv}"
    for a in argv:
        assert "\n" not in a, f"{where}: argv item with a newline: {a!r}"
    assert port_value(argv, ["--port", "--sse-port"]) == str(gw["port"]), argv
    assert port_value(argv, ["--host", "--sse-host"]) == gw["host"], argv
    if gw["passEnvironment"]:
        assert "--pass-environment" in argv, argv
    else:
        assert "--pass-environment" not in argv, argv
    groups = allow_origins(argv)
    assert len(groups) == 1, f"want one --allow-origin with every origin, got {groups}: {argv}"
    assert groups[0] == [str(o) for o in gw["allowOrigins"]], argv
    if gw["cwd"]:
        assert port_value(argv, ["--cwd"]) == gw["cwd"], argv
    # default server after `--`, each item its own argument
    default = expected_default_server(case)
    if default:
        assert argv.count("--") == 1, f"want exactly one '--' item: {argv}"
        tail = argv[argv.index("--") + 1 :]
        assert tail == default, f"default server argv {tail}, want {default}"
    else:
        assert "--" not in argv, f"no default server expected: {argv}"
    for a in argv:
        assert not (a.startswith("--") and a != "--" and default and a[2:] == default[0]), (
            f"default server glued to '--': {a!r}"
        )
    # carried over from the server container
    env_names = [e["name"] for e in g.get("env") or []]
    assert len(env_names) == len(set(env_names)), f"duplicate env names {env_names}"
    for e in list(v["container"]["env"]) + list(gw["env"]):
        assert e["name"] in env_names, f"env {e['name']} missing on the gateway: {env_names}"
    env_from = g.get("envFrom") or []
    for e in list(v["container"]["extraEnvFrom"]) + list(gw["envFrom"]):
        assert e in env_from, f"envFrom {e} missing on the gateway: {env_from}"
    mount_paths = [m["mountPath"] for m in g.get("volumeMounts") or []]
    for m in v["volumeMounts"]:
        assert m["mountPath"] in mount_paths, f"volumeMount {m} not carried over: {mount_paths}"
    if v["config"]["enabled"]:
        assert v["config"]["mountPath"] in mount_paths, mount_paths
    if v["securityContext"]:
        assert g.get("securityContext") == v["securityContext"]
    want_res = gw["resources"] or v["resources"]
    if want_res:
        assert g.get("resources") == want_res, f"resources {g.get('resources')}, want {want_res}"
    # named servers: a ConfigMap, mounted read-only, passed with --named-server-config
    named = case.named_servers
    cfg = port_value(argv, ["--named-server-config"])
    if named:
        cm = find(docs, "ConfigMap", case.servers_configmap)
        mount, _ = servers_volume_mount(dep, g, case.servers_configmap)
        assert mount.get("readOnly") is True, f"servers ConfigMap mount not read-only: {mount}"
        want_path = mount["mountPath"] if mount.get("subPath") else mount["mountPath"].rstrip("/") + "/servers.json"
        assert cfg == want_path, f"--named-server-config {cfg!r}, want {want_path!r}"
        check_servers_json(case, servers_json(cm))
        pod_ann = dep["spec"]["template"]["metadata"].get("annotations") or {}
        sums = [k for k in pod_ann if "checksum" in k and k != "checksum/config"]
        assert sums, f"no checksum annotation for the servers ConfigMap: {pod_ann}"
    else:
        assert cfg is None, f"--named-server-config without named servers: {argv}"


def check_servers_json(case: Case, doc: dict) -> None:
    assert set(doc) == {"mcpServers"}, doc
    got = doc["mcpServers"]
    want = case.named_servers
    assert set(got) == set(want), f"servers {set(got)}, want {set(want)}"
    gw = case.transport["stdioGateway"]
    for name, w in want.items():
        s = got[name]
        assert "disabled" not in s, f"{name}: mcp-proxy reads `enabled`, not `disabled`: {s}"
        assert s["command"] == w["command"]
        assert s.get("args", []) == [str(a) for a in w.get("args", [])]
        for a in s.get("args", []):
            assert isinstance(a, str)
        if gw.get("namedServersJson"):
            want_enabled = w.get("enabled", True)
            want_env = w.get("env", {})
        else:
            want_enabled = not w.get("disabled", False)
            want_env = {e["name"]: str(e["value"]) for e in w.get("env", [])}
        assert s.get("enabled", True) is want_enabled, f"{name}: enabled={s.get('enabled')}, want {want_enabled}"
        assert s.get("env", {}) == want_env, f"{name}: env {s.get('env')}, want {want_env}"
        for val in s.get("env", {}).values():
            assert isinstance(val, str)


def check_no_transport_annotation(text: str, docs: list[dict]) -> None:
    assert TRANSPORT_ANNOTATION not in text, "mcp-chart/transport annotation left in the output"
    for d in docs:
        assert TRANSPORT_ANNOTATION not in annotations(d)


def check_service(case: Case, docs: list[dict]) -> None:
    v = case.values
    svc = find(docs, "Service", FULLNAME)
    (port,) = svc["spec"]["ports"]
    assert port["port"] == v["service"]["port"]
    tp = port["targetPort"]
    dep = find(docs, "Deployment", FULLNAME)
    reachable = {}
    for c in containers(dep).values():
        for p in c.get("ports") or []:
            reachable[p.get("name")] = p["containerPort"]
            reachable[p["containerPort"]] = p["containerPort"]
    assert tp in reachable, f"Service targetPort {tp!r} matches no container port: {reachable}"
    want = case.transport["stdioGateway"]["port"] if case.gateway else v["container"]["port"]
    assert reachable[tp] == want, f"Service reaches port {reachable[tp]}, the server listens on {want}"
    assert svc["spec"]["selector"] == dep["spec"]["selector"]["matchLabels"]


def check_ingress(case: Case, docs: list[dict]) -> None:
    v = case.values
    ing = find(docs, "Ingress", FULLNAME)
    for rule in ing["spec"]["rules"]:
        for p in rule["http"]["paths"]:
            assert p["backend"]["service"] == {"name": FULLNAME, "port": {"number": v["service"]["port"]}}
    ann = annotations(ing)
    user = v["ingress"]["annotations"]
    t = case.transport["http"]["timeouts"]
    if v["ingress"]["className"] == "nginx":
        for key, secs in (("proxy-read-timeout", t["readSeconds"]), ("proxy-send-timeout", t["sendSeconds"])):
            full = NGINX + key
            assert full in ann, f"Ingress lacks {full}: {ann}"
            want = user.get(full, str(secs))
            assert ann[full] == want, f"{full}={ann[full]!r}, want {want!r}"
            assert isinstance(ann[full], str)
        if case.transport["type"] in ("http-sse", "stdio"):
            assert ann.get(NGINX + "proxy-buffering") == user.get(NGINX + "proxy-buffering", "off"), ann
    for k, val in user.items():
        assert ann.get(k) == val, f"user annotation {k} changed: {ann.get(k)!r}"


def check_httproute(case: Case, docs: list[dict]) -> None:
    v = case.values
    route = find(docs, "HTTPRoute", FULLNAME)
    rules = route["spec"]["rules"]
    user_rules = v["httpRoute"]["rules"]
    if not user_rules:
        assert len(rules) == 1, rules
        assert rules[0]["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    else:
        assert len(rules) == len(user_rules)
    t = case.transport["http"]["timeouts"]
    allowed = {float(t["readSeconds"]), float(t["sendSeconds"]), float(t["proxySeconds"])}
    for i, rule in enumerate(rules):
        user = user_rules[i] if user_rules else {}
        want_backends = user.get("backendRefs") or [{"name": FULLNAME, "port": v["service"]["port"]}]
        assert rule.get("backendRefs") == want_backends, f"rule {i}: backendRefs {rule.get('backendRefs')}"
        assert "timeouts" in rule, f"rule {i} has no timeouts: {rule}"
        to = rule["timeouts"]
        if user.get("timeouts"):
            assert to == user["timeouts"], f"rule {i}: user timeouts changed to {to}"
            continue
        req, back = parse_duration(to["request"]), parse_duration(to["backendRequest"])
        assert back <= req, f"rule {i}: backendRequest {to['backendRequest']} > request {to['request']}"
        assert req in allowed and back in allowed, (
            f"rule {i}: timeouts {to} not derived from transport.http.timeouts {t}"
        )


def check_test_pod(case: Case, docs: list[dict]) -> None:
    v = case.values
    pods = [d for d in find_all(docs, "Pod") if annotations(d).get("helm.sh/hook") == "test"]
    if case.transport["type"] == "stdio" and not case.gateway:
        assert not pods
        return
    assert len(pods) == 1, [kn(d) for d in pods]
    (c,) = pods[0]["spec"]["containers"]
    cmd = c["command"]
    assert cmd[:2] == ["sh", "-c"] and cmd[3] == "sh", cmd[:2]
    check, url = cmd[4], cmd[5]
    paths = cmd[6:]
    assert url == f"http://{FULLNAME}:{v['service']['port']}"
    assert paths and all(p.startswith("/") and p != "/" for p in paths), (
        f"the test must hit the MCP endpoint, not /: {paths}"
    )
    t = case.transport
    if case.gateway:
        assert check == "gateway", check
        named = [n for n, s in case.named_servers.items()
                 if s.get("enabled", True) and not s.get("disabled", False)]
        want = f"/servers/{sorted(named)[0]}/sse" if named else "/sse"
        assert paths == [want], paths
    elif t["type"] == "websocket":
        assert (check, paths) == ("websocket", [t["http"]["wsPath"]])
    else:
        assert (check, paths) == ("sse", [t["http"]["path"]])
