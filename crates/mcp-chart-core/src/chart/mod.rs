//! The chart's rendering in the core: what `helm template` renders for some
//! values, limited to the objects and fields the post-renderer and the
//! validator read (the Deployment with its transport annotation and server
//! container, the Service, the Ingress and the HTTPRoute), following
//! `charts/mcp-server/templates` and docs/chart.md. The playground post-renders
//! it to show what will be injected; the validator reads the server
//! container's argv from it ([`server_container`]) to build the gateway the
//! way the post-renderer will. Tests compare it with the Helm-rendered
//! fixtures (`tests/fixtures/post-render/*`) and the node parity tests with
//! the real chart's output.

use serde_json::{json, Map, Value};

/// The release name the sketch renders by default (the playground's fixtures use it too).
/// The top-level maps whose fields the chart's templates read without a
/// guard: a user `null` for one deletes it (Helm deletes a null where the
/// chart defaults have the key) and `helm template` fails with a nil pointer
/// error. `tests/e2e/test_null_keys.py` checks this list against real Helm.
pub const TEMPLATE_MAPS: &[&str] = &[
    "container",
    "image",
    "config",
    "serviceAccount",
    "service",
    "ingress",
    "httpRoute",
    "autoscaling",
];

pub const RELEASE: &str = "playground";

use crate::embedded::CHART_YAML;

fn chart_field(key: &str) -> String {
    CHART_YAML
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .map(|v| v.trim().trim_matches('"').to_string())
        .unwrap_or_default()
}

/// Go template truthiness: false, 0, "", null, empty lists and maps are false.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

/// Go's `toString` of a value (strings as they are; null as "<nil>").
fn to_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

fn get<'a>(values: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(values, |v, key| v.get(key))
}

fn get_str(values: &Value, path: &[&str]) -> String {
    get(values, path).map(to_string).unwrap_or_default()
}

fn truncate_dns(name: &str) -> String {
    let cut: String = name.chars().take(63).collect();
    cut.trim_end_matches('-').to_string()
}

/// The chart's `mcp-server.fullname`.
pub fn fullname(values: &Value, release: &str) -> String {
    let full_override = get(values, &["fullnameOverride"]);
    if truthy(full_override) {
        return truncate_dns(&to_string(full_override.unwrap_or(&Value::Null)));
    }
    let name_override = get(values, &["nameOverride"]);
    let name = if truthy(name_override) {
        to_string(name_override.unwrap_or(&Value::Null))
    } else {
        chart_field("name")
    };
    if release.contains(&name) {
        truncate_dns(release)
    } else {
        truncate_dns(&format!("{release}-{name}"))
    }
}

fn list(value: Option<&Value>) -> Vec<Value> {
    match value {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn argv(items: &[Value]) -> Value {
    Value::Array(
        items
            .iter()
            .map(|v| match v {
                Value::Null => Value::String(String::new()),
                other => Value::String(to_string(other)),
            })
            .collect(),
    )
}

/// The chart's `mcp-server.serverSpec`: image, pull policy, argv, setup steps.
struct ServerSpec {
    image: String,
    pull_policy: String,
    command: Vec<Value>,
    args: Vec<Value>,
    pre_start: Vec<Value>,
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn server_spec(values: &Value) -> Result<ServerSpec, String> {
    let mode_value = get(values, &["mode"]);
    let mode = if truthy(mode_value) {
        to_string(mode_value.unwrap_or(&Value::Null))
    } else {
        "image".into()
    };
    let mut spec = ServerSpec {
        image: String::new(),
        pull_policy: String::new(),
        command: Vec::new(),
        args: Vec::new(),
        pre_start: Vec::new(),
    };
    match mode.as_str() {
        "image" => {
            let repo = get(values, &["image", "repository"]);
            if !truthy(repo) {
                return Err("image.repository must be set when mode is image".into());
            }
            let repo = to_string(repo.unwrap_or(&Value::Null));
            let tag = get(values, &["image", "tag"]);
            let tag = if truthy(tag) {
                to_string(tag.unwrap_or(&Value::Null))
            } else {
                chart_field("appVersion")
            };
            spec.image = if tag.starts_with("sha256:") {
                format!("{repo}@{tag}")
            } else {
                format!("{repo}:{tag}")
            };
            spec.pull_policy = get_str(values, &["image", "pullPolicy"]);
            spec.command = list(get(values, &["image", "command"]));
            spec.args = list(get(values, &["image", "args"]));
        }
        "node" => {
            if !truthy(get(values, &["node", "package"])) {
                return Err("mode is \"node\" but node.package is empty: set node.package to the npm package to run (for example --set node.package=mcp-remote)".into());
            }
            spec.image = get_str(values, &["node", "image"]);
            spec.pull_policy = get_str(values, &["node", "pullPolicy"]);
            let mut pkg = get_str(values, &["node", "package"]);
            if truthy(get(values, &["node", "version"])) {
                pkg = format!("{pkg}@{}", get_str(values, &["node", "version"]));
            }
            spec.command = vec![json!("npx"), json!("-y"), Value::String(pkg)];
            spec.args = list(get(values, &["node", "args"]));
            spec.pre_start = list(get(values, &["node", "preStart"]));
        }
        "python" => {
            if !truthy(get(values, &["python", "package"])) {
                return Err("mode is \"python\" but python.package is empty: set python.package to the package to run (for example --set python.package=mcp-server-time)".into());
            }
            spec.image = get_str(values, &["python", "image"]);
            spec.pull_policy = get_str(values, &["python", "pullPolicy"]);
            let pkg = get_str(values, &["python", "package"]);
            spec.args = list(get(values, &["python", "args"]));
            spec.pre_start = list(get(values, &["python", "preStart"]));
            let from_git = get(values, &["python", "fromGit"]);
            if truthy(get(values, &["python", "usePip"])) {
                let mut pip_spec = pkg.clone();
                if pkg.contains('@') && !pkg.contains(" @ ") {
                    let (name, version) = pkg.split_once('@').unwrap_or((&pkg, ""));
                    pip_spec = name.to_string();
                    if !version.is_empty() && version != "latest" {
                        pip_spec = format!("{name}=={version}");
                    }
                }
                if truthy(from_git) {
                    pip_spec = to_string(from_git.unwrap_or(&Value::Null));
                }
                spec.pre_start.push(Value::String(format!(
                    "pip install --no-cache-dir {}",
                    shell_quote(&pip_spec)
                )));
                let script: String = pkg
                    .chars()
                    .take_while(|c| !"[<>=!~@; ".contains(*c))
                    .collect();
                spec.command = vec![Value::String(script)];
            } else {
                spec.command = vec![json!("uvx")];
                if truthy(from_git) {
                    spec.command.push(json!("--from"));
                    spec.command
                        .push(Value::String(to_string(from_git.unwrap_or(&Value::Null))));
                }
                spec.command.push(Value::String(pkg));
            }
        }
        other => {
            return Err(format!(
                "mode must be one of image, node, python (got {other:?})"
            ))
        }
    }
    if truthy(get(values, &["container", "command"])) {
        spec.command = list(get(values, &["container", "command"]));
    }
    if truthy(get(values, &["container", "args"])) {
        spec.args = list(get(values, &["container", "args"]));
    }
    if spec.pull_policy.is_empty() {
        spec.pull_policy = "IfNotPresent".into();
    }
    Ok(spec)
}

/// A map of strings (the chart's `mcp-server.stringMap`), null values skipped.
fn string_map(maps: &[Option<&Value>]) -> Map<String, Value> {
    let mut out = Map::new();
    for map in maps.iter().flatten() {
        if let Value::Object(entries) = map {
            for (k, v) in entries {
                if !v.is_null() {
                    out.insert(k.clone(), Value::String(to_string(v)));
                }
            }
        }
    }
    sorted(out)
}

fn sorted(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// JSON with every map's keys sorted, as Go's `toJson` writes it.
fn go_json(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sort(v)))
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(value).to_string()
}

fn labels(values: &Value, release: &str) -> Map<String, Value> {
    let name = if truthy(get(values, &["nameOverride"])) {
        get_str(values, &["nameOverride"])
    } else {
        chart_field("name")
    };
    let own = json!({
        "helm.sh/chart": format!("{}-{}", chart_field("name"), chart_field("version")),
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/instance": release,
        "app.kubernetes.io/version": chart_field("appVersion"),
        "app.kubernetes.io/managed-by": "Helm",
    });
    string_map(&[get(values, &["additionalLabels"]), Some(&own)])
}

/// The chart's `mcp-server.selectorLabels`.
fn selector_labels(values: &Value, release: &str) -> Value {
    let name = if truthy(get(values, &["nameOverride"])) {
        get_str(values, &["nameOverride"])
    } else {
        chart_field("name")
    };
    json!({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": release })
}

/// The chart's `mcp-server.podLabels`: podLabels under the common labels.
fn pod_labels(values: &Value, labels: &Map<String, Value>) -> Map<String, Value> {
    let mut out = string_map(&[get(values, &["podLabels"])]);
    for (k, v) in labels {
        out.insert(k.clone(), v.clone());
    }
    sorted(out)
}

fn annotations(values: &Value, extra: Option<&Value>) -> Map<String, Value> {
    let mut map = string_map(&[get(values, &["additionalAnnotations"]), extra]);
    map.shift_remove("mcp-chart/transport");
    if let Some(Value::Object(extra)) = extra {
        if let Some(v) = extra.get("mcp-chart/transport").filter(|v| !v.is_null()) {
            map.insert("mcp-chart/transport".into(), Value::String(to_string(v)));
        }
    }
    sorted(map)
}

fn metadata(name: &str, labels: &Map<String, Value>, annotations: Map<String, Value>) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), Value::String(name.to_string()));
    meta.insert("labels".into(), Value::Object(labels.clone()));
    if !annotations.is_empty() {
        meta.insert("annotations".into(), Value::Object(annotations));
    }
    Value::Object(meta)
}

fn insert_if(map: &mut Map<String, Value>, key: &str, value: Option<&Value>) {
    if truthy(value) {
        if let Some(v) = value {
            map.insert(key.into(), v.clone());
        }
    }
}

/// The server container the chart renders for merged `values`; `Err` carries
/// the message the chart fails the render with.
pub fn server_container(values: &Value) -> Result<Map<String, Value>, String> {
    let spec = server_spec(values)?;
    let mut container = Map::new();
    container.insert("name".into(), json!("mcp-server"));
    container.insert("image".into(), Value::String(spec.image));
    container.insert("imagePullPolicy".into(), Value::String(spec.pull_policy));
    if spec.pre_start.is_empty() {
        if !spec.command.is_empty() {
            container.insert("command".into(), argv(&spec.command));
        }
        if !spec.args.is_empty() {
            container.insert("args".into(), argv(&spec.args));
        }
    } else {
        let steps: Vec<String> = spec.pre_start.iter().map(to_string).collect();
        // A blank line before `exec`, so a step ending in `\` cannot swallow it.
        let script = format!("set -e\n{}\n\nexec \"$@\"", steps.join("\n")).replace('$', "$$");
        let mut all = vec![json!("sh"), json!("-c"), Value::String(script), json!("sh")];
        all.extend(spec.command);
        all.extend(spec.args);
        container.insert("command".into(), argv(&all));
    }
    if truthy(get(values, &["container", "workingDir"])) {
        container.insert(
            "workingDir".into(),
            Value::String(get_str(values, &["container", "workingDir"])),
        );
    }
    container.insert(
        "ports".into(),
        json!([{
            "name": "http",
            "containerPort": get(values, &["container", "port"]).cloned().unwrap_or(Value::Null),
            "protocol": "TCP",
        }]),
    );
    let mode = get_str(values, &["mode"]);
    let npmrc = mode == "node" && truthy(get(values, &["node", "npmrcSecret"]));
    let user_env = list(get(values, &["container", "env"]));
    let mut env = Vec::new();
    if npmrc
        && !user_env
            .iter()
            .any(|e| e.get("name").map(to_string).as_deref() == Some("NPM_CONFIG_USERCONFIG"))
    {
        env.push(json!({"name": "NPM_CONFIG_USERCONFIG", "value": get_str(values, &["node", "npmrcMountPath"])}));
    }
    env.extend(user_env);
    if !env.is_empty() {
        container.insert("env".into(), Value::Array(env));
    }
    insert_if(
        &mut container,
        "envFrom",
        get(values, &["container", "extraEnvFrom"]),
    );
    insert_if(
        &mut container,
        "livenessProbe",
        get(values, &["livenessProbe"]),
    );
    insert_if(
        &mut container,
        "readinessProbe",
        get(values, &["readinessProbe"]),
    );
    insert_if(&mut container, "resources", get(values, &["resources"]));
    insert_if(
        &mut container,
        "securityContext",
        get(values, &["securityContext"]),
    );
    insert_if(
        &mut container,
        "volumeMounts",
        get(values, &["volumeMounts"]),
    );
    Ok(container)
}

fn deployment(
    values: &Value,
    name: &str,
    release: &str,
    labels: &Map<String, Value>,
) -> Result<Value, String> {
    let container = server_container(values)?;
    let mut pod = Map::new();
    pod.insert("containers".into(), json!([Value::Object(container)]));
    insert_if(&mut pod, "volumes", get(values, &["volumes"]));

    let transport = get(values, &["transport"]).cloned().unwrap_or(Value::Null);
    let mut deployment_annotations = annotations(values, None);
    deployment_annotations.insert(
        "mcp-chart/transport".into(),
        Value::String(go_json(&transport)),
    );
    let mut spec_map = Map::new();
    if !truthy(get(values, &["autoscaling", "enabled"])) {
        spec_map.insert(
            "replicas".into(),
            get(values, &["replicaCount"])
                .cloned()
                .unwrap_or(Value::Null),
        );
    }
    spec_map.insert(
        "selector".into(),
        json!({ "matchLabels": selector_labels(values, release) }),
    );
    spec_map.insert(
        "template".into(),
        json!({ "metadata": { "labels": pod_labels(values, labels) }, "spec": pod }),
    );
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, labels, sorted(deployment_annotations)),
        "spec": spec_map,
    }))
}

fn service(values: &Value, name: &str, release: &str, labels: &Map<String, Value>) -> Value {
    let kind = get(values, &["service", "type"]);
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, labels, annotations(values, None)),
        "spec": {
            "type": if truthy(kind) { to_string(kind.unwrap_or(&Value::Null)) } else { "ClusterIP".into() },
            "ports": [{
                "name": "http",
                "port": get(values, &["service", "port"]).cloned().unwrap_or(Value::Null),
                "targetPort": "http",
                "protocol": "TCP",
            }],
            "selector": selector_labels(values, release),
        },
    })
}

fn ingress(values: &Value, name: &str, labels: &Map<String, Value>) -> Value {
    let port = get(values, &["service", "port"])
        .cloned()
        .unwrap_or(Value::Null);
    let mut spec = Map::new();
    if truthy(get(values, &["ingress", "className"])) {
        spec.insert(
            "ingressClassName".into(),
            Value::String(get_str(values, &["ingress", "className"])),
        );
    }
    insert_if(&mut spec, "tls", get(values, &["ingress", "tls"]));
    let mut rules = Vec::new();
    for host in list(get(values, &["ingress", "hosts"])) {
        let paths = match host.get("paths") {
            Some(p) if truthy(Some(p)) => list(Some(p)),
            _ => vec![json!({"path": "/"})],
        };
        let paths: Vec<Value> = paths
            .iter()
            .map(|p| {
                let path = p
                    .get("path")
                    .filter(|v| truthy(Some(v)))
                    .map_or("/".into(), to_string);
                let path_type = p
                    .get("pathType")
                    .filter(|v| truthy(Some(v)))
                    .map_or("ImplementationSpecific".into(), to_string);
                json!({
                    "path": path,
                    "pathType": path_type,
                    "backend": { "service": { "name": name, "port": { "number": port } } },
                })
            })
            .collect();
        let mut rule = Map::new();
        if truthy(host.get("host")) {
            rule.insert(
                "host".into(),
                Value::String(host.get("host").map(to_string).unwrap_or_default()),
            );
        }
        rule.insert("http".into(), json!({ "paths": paths }));
        rules.push(Value::Object(rule));
    }
    spec.insert("rules".into(), Value::Array(rules));
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata(name, labels, annotations(values, get(values, &["ingress", "annotations"]))),
        "spec": spec,
    })
}

fn http_route(values: &Value, name: &str, labels: &Map<String, Value>) -> Value {
    let backend = json!({
        "name": name,
        "port": get(values, &["service", "port"]).cloned().unwrap_or(Value::Null),
    });
    let mut rules: Vec<Value> = list(get(values, &["httpRoute", "rules"]))
        .into_iter()
        .map(|mut rule| {
            if let Value::Object(map) = &mut rule {
                if !truthy(map.get("backendRefs")) {
                    map.insert("backendRefs".into(), json!([backend]));
                }
            }
            rule
        })
        .collect();
    if rules.is_empty() {
        rules.push(json!({
            "matches": [{ "path": { "type": "PathPrefix", "value": "/" } }],
            "backendRefs": [backend],
        }));
    }
    let mut spec = Map::new();
    insert_if(
        &mut spec,
        "parentRefs",
        get(values, &["httpRoute", "parentRefs"]),
    );
    insert_if(
        &mut spec,
        "hostnames",
        get(values, &["httpRoute", "hostnames"]),
    );
    spec.insert("rules".into(), Value::Array(rules));
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": metadata(name, labels, annotations(values, get(values, &["httpRoute", "annotations"]))),
        "spec": spec,
    })
}

/// The sketch of `helm template RELEASE` for merged `values`, as a manifest
/// stream; `Err` carries the message the chart fails the render with.
pub fn render(values: &Value, release: &str) -> Result<String, String> {
    let name = fullname(values, release);
    let labels = labels(values, release);
    let mut docs = vec![
        ("service.yaml", service(values, &name, release, &labels)),
        (
            "deployment.yaml",
            deployment(values, &name, release, &labels)?,
        ),
    ];
    if truthy(get(values, &["ingress", "enabled"])) {
        docs.push(("ingress.yaml", ingress(values, &name, &labels)));
    }
    if truthy(get(values, &["httpRoute", "enabled"])) {
        docs.push(("httproute.yaml", http_route(values, &name, &labels)));
    }
    let mut out = String::new();
    for (template, doc) in docs {
        out.push_str("---\n# Source: mcp-server/templates/");
        out.push_str(template);
        out.push('\n');
        out.push_str(&crate::yaml::emit_document(&doc));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullname_follows_the_chart() {
        assert_eq!(fullname(&json!({}), "docs"), "docs-mcp-server");
        assert_eq!(fullname(&json!({}), "my-mcp-server-1"), "my-mcp-server-1");
        assert_eq!(fullname(&json!({"nameOverride": "x"}), "docs"), "docs-x");
        assert_eq!(
            fullname(&json!({"fullnameOverride": "only-"}), "docs"),
            "only"
        );
    }

    #[test]
    fn node_mode_runs_npx_and_fails_without_a_package() {
        let values = json!({"mode": "node", "node": {"image": "node:24", "package": "pkg", "version": "1.2"}, "container": {"port": 3000}, "service": {"port": 80}});
        let text = render(&values, RELEASE).unwrap_or_default();
        assert!(text.contains("- npx\n"), "{text}");
        assert!(text.contains("- pkg@1.2\n"), "{text}");
        let err = render(&json!({"mode": "node", "node": {"package": ""}}), RELEASE).unwrap_err();
        assert!(err.contains("node.package is empty"));
    }

    #[test]
    fn pip_mode_installs_then_runs_the_console_script() {
        let values = json!({"mode": "python", "python": {"package": "mcp-server-time[x]@2.0", "usePip": true, "preStart": ["echo $HOME"]}});
        let doc = deployment(&values, "d", RELEASE, &Map::new()).unwrap_or_default();
        assert_eq!(
            doc["spec"]["template"]["spec"]["containers"][0]["command"],
            json!([
                "sh",
                "-c",
                "set -e\necho $$HOME\npip install --no-cache-dir 'mcp-server-time[x]==2.0'\n\nexec \"$$@\"",
                "sh",
                "mcp-server-time"
            ])
        );
    }

    #[test]
    fn transport_annotation_has_sorted_keys() {
        let values = json!({"mode": "image", "image": {"repository": "r"}, "transport": {"type": "stdio", "http": {"z": 1, "a": 2}}});
        let text = render(&values, RELEASE).unwrap_or_default();
        assert!(
            text.contains(r#"{\"http\":{\"a\":2,\"z\":1},\"type\":\"stdio\"}"#),
            "{text}"
        );
        assert!(text.contains("image: r:stable"), "{text}");
    }
}
