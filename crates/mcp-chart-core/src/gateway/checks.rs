//! The checks every value bound for mcp-proxy passes, one copy each: what a
//! command line can carry, what argparse would misread, what an environment
//! variable name and a server name may be.

/// `s` as a container `command`/`args` item (or EnvVar `value`) that
/// Kubernetes hands to the process unchanged: every `$` doubled.
pub fn k8s_literal(s: &str) -> String {
    s.replace('$', "$$")
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
