//! The checks every value bound for mcp-proxy passes, one copy each: what a
//! command line can carry, what argparse would misread, what an environment
//! variable name and a server name may be.

/// `s` as a container `command`/`args` item (or EnvVar `value`) that
/// Kubernetes hands to the process unchanged: every `$` doubled.
pub fn k8s_literal(s: &str) -> String {
    s.replace('$', "$$")
}

/// A container's environment as the kubelet knows it when it expands
/// `$(NAME)` in `command`/`args` (k8s.io/kubernetes
/// third_party/forked/golang/expansion; kubelet makeEnvironmentVariables):
/// each `env` value is expanded with the variables declared before it, the
/// last declaration of a name wins, a name never defined stays `$(NAME)`, and
/// `$$` is `$`. A value that only exists when the pod starts (`valueFrom`,
/// any name an `envFrom` may supply, a Service link variable) is unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeletEnv {
    /// Declared names and their values (`None`: known only at run time).
    vars: std::collections::HashMap<String, Option<String>>,
    /// Whether an `envFrom` may define any other name.
    env_from: bool,
}

impl KubeletEnv {
    /// Reads a container's `env` and `envFrom`, in the kubelet's order.
    pub fn of_container(container: &serde_json::Map<String, serde_json::Value>) -> Self {
        let mut env = KubeletEnv::default();
        if container
            .get("envFrom")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|list| !list.is_empty())
        {
            env.env_from = true;
        }
        env.declare_objects(
            container
                .get("env")
                .and_then(serde_json::Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(serde_json::Value::as_object),
        );
        env
    }

    /// Declares Kubernetes EnvVar objects after the ones already declared.
    pub fn declare_objects<'a>(
        &mut self,
        vars: impl IntoIterator<Item = &'a serde_json::Map<String, serde_json::Value>>,
    ) {
        for var in vars {
            let Some(name) = var.get("name").and_then(serde_json::Value::as_str) else {
                continue;
            };
            let value = match var.get("value") {
                Some(serde_json::Value::String(v)) if !v.is_empty() => Some(v.as_str()),
                // An empty value with a `valueFrom` takes the source's value.
                _ if var.get("valueFrom").is_some_and(|v| !v.is_null()) => None,
                _ => Some(""),
            };
            self.declare(name, value);
        }
    }

    /// Declares `name` with a value in Kubernetes form (`None`: set at run time).
    pub fn declare(&mut self, name: &str, value: Option<&str>) {
        let resolved = value.and_then(|v| self.expand(v).ok());
        self.vars.insert(name.to_string(), resolved);
    }

    /// Adds the names an `envFrom` may supply.
    pub fn add_env_from(&mut self) {
        self.env_from = true;
    }

    /// What the process receives for `s` (a `command`/`args` item), or the
    /// name of the first variable whose value is only known at run time.
    pub fn expand(&self, s: &str) -> Result<String, String> {
        let bytes = s.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] != b'$' || i + 1 == bytes.len() {
                out.push(bytes[i]);
                i += 1;
                continue;
            }
            match bytes[i + 1] {
                b'$' => {
                    out.push(b'$');
                    i += 2;
                }
                b'(' => match bytes[i + 2..].iter().position(|&b| b == b')') {
                    Some(len) => {
                        let name = &s[i + 2..i + 2 + len];
                        out.extend_from_slice(self.lookup(name)?.as_bytes());
                        i += len + 3;
                    }
                    // An unclosed `$(` stays as written.
                    None => {
                        out.extend_from_slice(b"$(");
                        i += 2;
                    }
                },
                // Go's `string(byte)`: a `$` before another byte keeps both,
                // the byte as the code point of its value.
                other => {
                    out.push(b'$');
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(char::from(other).encode_utf8(&mut buf).as_bytes());
                    i += 2;
                }
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn lookup(&self, name: &str) -> Result<String, String> {
        match self.vars.get(name) {
            Some(Some(value)) => Ok(value.clone()),
            Some(None) => Err(name.to_string()),
            None if self.env_from || is_service_link(name) => Err(name.to_string()),
            None => Ok(format!("$({name})")),
        }
    }
}

/// Whether the kubelet may define `name` from a Service (`enableServiceLinks`,
/// on by default): `X_SERVICE_HOST`, `X_SERVICE_PORT[_P]`, `X_PORT[_...]`.
fn is_service_link(name: &str) -> bool {
    name.ends_with("_SERVICE_HOST")
        || name.contains("_SERVICE_PORT")
        || name.ends_with("_PORT")
        || name.contains("_PORT_")
}

/// Why `s` cannot be an argv item or environment value (NUL), if so.
pub fn nul_problem(s: &str) -> Option<String> {
    s.contains('\0')
        .then(|| "contains a NUL character, which no command line can carry".to_string())
}

/// Why argparse would misread `s` given as one of mcp-proxy's option values.
pub fn option_value_problem(s: &str) -> Option<String> {
    if let Some(p) = nul_problem(s) {
        return Some(p);
    }
    if s.is_empty() {
        return Some("is empty".into());
    }
    s.starts_with('-').then(|| {
        format!("{s:?} starts with `-`: mcp-proxy's argument parser would read it as an option")
    })
}

/// Whether `name` can be an environment variable name a process receives.
pub fn env_name_ok(name: &str) -> bool {
    !name.is_empty() && !name.contains('=') && !name.contains('\0')
}

/// Whether `name` can be a URL path segment under `/servers/`.
pub fn valid_server_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `s` in single quotes for `sh`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_doubled_for_kubernetes() {
        assert_eq!(k8s_literal("$(whoami) $HOME $$"), "$$(whoami) $$HOME $$$$");
    }

    fn env(vars: &[(&str, Option<&str>)]) -> KubeletEnv {
        let mut env = KubeletEnv::default();
        for (name, value) in vars {
            env.declare(name, *value);
        }
        env
    }

    #[test]
    fn kubelet_expansion_follows_kubernetes() {
        let e = env(&[
            ("URL", Some("https://evil.example/sse")),
            ("B", Some("$(URL)/x")),
            ("LATE", Some("$(C)")),
            ("C", Some("c")),
            ("SECRET", None),
        ]);
        assert_eq!(
            e.expand("$(URL)").as_deref(),
            Ok("https://evil.example/sse")
        );
        // A value sees only the names declared before it.
        assert_eq!(
            e.expand("$(B)").as_deref(),
            Ok("https://evil.example/sse/x")
        );
        assert_eq!(e.expand("$(LATE)").as_deref(), Ok("$(C)"));
        assert_eq!(
            e.expand("$$(URL) $$ $x $( $(NOPE)").as_deref(),
            Ok("$(URL) $ $x $( $(NOPE)")
        );
        assert_eq!(e.expand("a$").as_deref(), Ok("a$"));
        assert_eq!(e.expand("$(SECRET)"), Err("SECRET".into()));
        assert_eq!(
            e.expand("$(DB_SERVICE_HOST)"),
            Err("DB_SERVICE_HOST".into())
        );
        assert_eq!(
            e.expand(&k8s_literal("$(URL) $$")).as_deref(),
            Ok("$(URL) $$")
        );
        let mut from = KubeletEnv::default();
        from.add_env_from();
        assert_eq!(from.expand("$(ANY)"), Err("ANY".into()));
    }

    #[test]
    fn container_env_objects_are_read_in_order() {
        let container = serde_json::json!({
            "env": [
                {"name": "A", "value": "1"},
                {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                {"name": "A", "value": "$(A)2"},
                {"name": "E"}
            ]
        });
        let e = KubeletEnv::of_container(container.as_object().expect("map"));
        assert_eq!(e.expand("$(A)|$(E)|").as_deref(), Ok("12||"));
        assert_eq!(e.expand("$(S)"), Err("S".into()));
    }

    #[test]
    fn names_must_be_path_segments() {
        for ok in ["docs", "a.b", "a_b-c", "9x"] {
            assert!(valid_server_name(ok), "{ok}");
        }
        for bad in ["", "-a", ".a", "a/b", "a b", "ä", "a?b", "..", "a%2f"] {
            assert!(!valid_server_name(bad), "{bad}");
        }
    }

    #[test]
    fn option_values_and_env_names() {
        assert!(option_value_problem("https://a").is_none());
        assert!(option_value_problem("-evil").is_some());
        assert!(option_value_problem("").is_some());
        assert!(option_value_problem("a\0").is_some());
        assert!(env_name_ok("JAVA_TOOL_OPTIONS"));
        assert!(!env_name_ok("A=B"));
        assert!(!env_name_ok(""));
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
