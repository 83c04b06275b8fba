//! YAML 1.1 resolution of plain scalars, as Helm's YAML library (go-yaml v2
//! through sigs.k8s.io/yaml) does it, with the YAML 1.1 surprises marked.

use super::go::GoScalar;

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
    /// An integer above `i64::MAX` that fits 64 bits.
    Uint(u64),
    /// A float.
    Float(f64),
    /// A string.
    Str,
}

/// Resolves a plain (unquoted) scalar, as go-yaml v2 does ([`super::go`]).
pub fn resolve_plain(text: &str) -> Resolved {
    match super::go::resolve(None, text, true) {
        Ok(GoScalar::Null) => Resolved::Null,
        Ok(GoScalar::Bool(value)) => bool_of(
            value,
            !matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE"),
        ),
        Ok(GoScalar::Int(value)) => Resolved::Int {
            value,
            octal: is_leading_zero_octal(text),
        },
        Ok(GoScalar::Uint(value)) => Resolved::Uint(value),
        Ok(GoScalar::Float(f)) => Resolved::Float(f),
        Ok(GoScalar::Str(_)) | Err(_) => Resolved::Str,
    }
}

fn bool_of(value: bool, yaml11_word: bool) -> Resolved {
    Resolved::Bool { value, yaml11_word }
}

/// `0777`: a leading zero that Go's `ParseInt(s, 0, 64)` reads as octal.
fn is_leading_zero_octal(text: &str) -> bool {
    let digits = text.trim_start_matches(['-', '+']).replace('_', "");
    digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit()
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
        // go-yaml's readings (issue 18 item 10).
        assert_eq!(resolve_plain("._5"), Resolved::Str);
        assert_eq!(
            resolve_plain("0xFFFFFFFFFFFFFFFF"),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(
            resolve_plain("01777777777777777777777"),
            Resolved::Uint(u64::MAX)
        );
    }
}
