//! YAML 1.1 resolution of plain scalars, as Helm's YAML library (go-yaml v2
//! through sigs.k8s.io/yaml) does it.

/// What a plain scalar means.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, empty.
    Null,
    /// A boolean; `yaml11_word` is true for `yes`/`no`/`on`/`off`/`y`/`n`.
    Bool {
        /// The value.
        value: bool,
        /// Whether only YAML 1.1 reads it as a boolean.
        yaml11_word: bool,
    },
    /// An integer; `octal` is true for a leading-zero octal such as `0777`.
    Int {
        /// The value.
        value: i64,
        /// Whether YAML 1.1 read it as octal.
        octal: bool,
    },
    /// A float.
    Float(f64),
    /// A string.
    Str,
}

/// Resolves a plain (unquoted) scalar.
pub fn resolve_plain(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "true" | "True" | "TRUE" => return bool_of(true, false),
        "false" | "False" | "FALSE" => return bool_of(false, false),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return bool_of(true, true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return bool_of(false, true),
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Resolved::Str;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if let Some((value, octal)) = parse_go_int(&plain) {
        return Resolved::Int { value, octal };
    }
    if super::go::is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            return Resolved::Float(f);
        }
    }
    Resolved::Str
}

fn bool_of(value: bool, yaml11_word: bool) -> Resolved {
    Resolved::Bool { value, yaml11_word }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b` or a leading-0 octal.
fn parse_go_int(s: &str) -> Option<(i64, bool)> {
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let lower = digits.to_ascii_lowercase();
    let (radix, body, octal) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest.to_string(), false)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest.to_string(), false)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest.to_string(), false)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower, false)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&body, radix).ok()?;
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok().map(|v| (v, octal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml11_booleans_are_flagged() {
        assert_eq!(resolve_plain("yes"), bool_of(true, true));
        assert_eq!(resolve_plain("Off"), bool_of(false, true));
        assert_eq!(resolve_plain("true"), bool_of(true, false));
    }

    #[test]
    fn leading_zero_is_octal() {
        assert_eq!(
            resolve_plain("0777"),
            Resolved::Int {
                value: 511,
                octal: true
            }
        );
        assert_eq!(
            resolve_plain("0x1F"),
            Resolved::Int {
                value: 31,
                octal: false
            }
        );
        assert_eq!(
            resolve_plain("1_000"),
            Resolved::Int {
                value: 1000,
                octal: false
            }
        );
        assert_eq!(
            resolve_plain("-12"),
            Resolved::Int {
                value: -12,
                octal: false
            }
        );
    }

    #[test]
    fn floats_and_strings() {
        assert_eq!(resolve_plain("1.5"), Resolved::Float(1.5));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("3600s"), Resolved::Str);
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("0999"), Resolved::Float(999.0));
        assert_eq!(resolve_plain("nginx"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
        assert_eq!(resolve_plain("."), Resolved::Str);
    }
}
