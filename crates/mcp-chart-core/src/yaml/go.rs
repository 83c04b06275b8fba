//! How Helm's YAML stack reads a scalar: go-yaml v2 resolution (YAML 1.1
//! words, Go's `strconv` number syntax, tags) and sigs.k8s.io/yaml's
//! conversion to JSON (map keys become strings, floats are formatted the Go
//! way). Also Go's `encoding/json` output, which `toJson` prints.

/// A scalar as go-yaml v2 decodes it into `interface{}`.
#[derive(Clone, Debug, PartialEq)]
pub enum GoScalar {
    /// `nil`.
    Null,
    /// `bool`.
    Bool(bool),
    /// `int` / `int64`.
    Int(i64),
    /// `uint64` (integers above `i64::MAX` that fit 64 bits).
    Uint(u64),
    /// `float64` (may be infinite or NaN: `.inf`, `.nan`).
    Float(f64),
    /// `string` (timestamps and `!!binary` included).
    Str(String),
}

const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// Resolves a scalar with its tag (`None`: no tag) and style (`plain`: unquoted).
/// The error is go-yaml's message, such as ``cannot decode !!str `x` as a !!int``.
pub fn resolve(tag: Option<&str>, text: &str, plain: bool) -> Result<GoScalar, String> {
    let Some(tag) = tag else {
        return Ok(if plain {
            resolve_untagged(text, true).1
        } else {
            GoScalar::Str(text.to_string())
        });
    };
    let short = match tag.strip_prefix(CORE_PREFIX) {
        Some(name) => format!("!!{name}"),
        None => tag.to_string(),
    };
    match short.as_str() {
        "!!binary" => decode_base64(text)
            .map(|bytes| GoScalar::Str(go_string(&bytes)))
            .ok_or_else(|| "!!binary value contains invalid base64 data".to_string()),
        "!!str" => Ok(GoScalar::Str(text.to_string())),
        "!!bool" | "!!int" | "!!float" | "!!timestamp" | "!!null" => {
            let (rtag, value) = resolve_untagged(text, short == "!!timestamp");
            match (short.as_str(), &value) {
                (t, _) if t == rtag => Ok(value),
                ("!!float", GoScalar::Int(i)) => Ok(GoScalar::Float(*i as f64)),
                _ => Err(format!("cannot decode {rtag} `{text}` as a {short}")),
            }
        }
        // Custom and non-specific tags (`!foo`, `!`), `!!merge`, `!!map` on a
        // scalar: go-yaml keeps the text.
        _ => Ok(GoScalar::Str(text.to_string())),
    }
}

/// go-yaml v2's implicit resolution: the resolved tag and the value
/// (`timestamps`: the tag is absent or `!!timestamp`).
fn resolve_untagged(text: &str, timestamps: bool) -> (&'static str, GoScalar) {
    let str_of = || ("!!str", GoScalar::Str(text.to_string()));
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ("!!null", GoScalar::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return ("!!bool", GoScalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return ("!!bool", GoScalar::Bool(false))
        }
        ".nan" | ".NaN" | ".NAN" => return ("!!float", GoScalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return ("!!float", GoScalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => return ("!!float", GoScalar::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    match text.as_bytes()[0] {
        b'.' => match dot_float(text) {
            Some(f) => ("!!float", GoScalar::Float(f)),
            None => str_of(),
        },
        b'0'..=b'9' | b'+' | b'-' => {
            if timestamps && is_timestamp(text) {
                return ("!!timestamp", GoScalar::Str(text.to_string()));
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = parse_int(&plain) {
                return ("!!int", GoScalar::Int(i));
            }
            if let Some(u) = parse_uint(&plain) {
                return ("!!int", GoScalar::Uint(u));
            }
            if is_yaml_float(&plain) {
                if let Ok(f) = plain.parse::<f64>() {
                    if f.is_finite() {
                        return ("!!float", GoScalar::Float(f));
                    }
                }
            }
            str_of()
        }
        _ => str_of(),
    }
}

/// `strconv.ParseFloat` of a scalar that starts with `.` (go-yaml tries it
/// as is): underscores only between digits, out-of-range values refused.
fn dot_float(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let before = i > 0 && b[i - 1].is_ascii_digit();
            let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        }
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    if !is_yaml_float(&plain) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(crate) fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && matches!(b[i], b'-' | b'+') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        i += 1;
        if i < b.len() && matches!(b[i], b'-' | b'+') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub(crate) fn parse_uint(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    let (radix, digits) = if b[0] == b'0' {
        match b.get(1).map(u8::to_ascii_lowercase) {
            Some(b'b') if b.len() >= 3 => (2, &s[2..]),
            Some(b'o') if b.len() >= 3 => (8, &s[2..]),
            Some(b'x') if b.len() >= 3 => (16, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    if digits.is_empty() {
        // "0": the octal prefix is the whole number.
        return (s == "0").then_some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = i128::from(parse_uint(rest)?);
    let value = if negative { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml v2's timestamp formats (`2006-1-2`, with an optional time).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let mut rest = &s[5..];
    let number = |max: u32, rest: &mut &str| -> Option<u32> {
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 2 {
            return None;
        }
        let v: u32 = rest[..n].parse().ok()?;
        *rest = &rest[n..];
        (v <= max).then_some(v)
    };
    let Some(month) = number(12, &mut rest) else {
        return false;
    };
    if month == 0 || !rest.starts_with('-') {
        return false;
    }
    rest = &rest[1..];
    let Some(day) = number(31, &mut rest) else {
        return false;
    };
    if day == 0 {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    let zoned = rest.starts_with(['T', 't']);
    if !(zoned || rest.starts_with(' ')) {
        return false;
    }
    rest = &rest[1..];
    for (i, max) in [23, 59, 59].into_iter().enumerate() {
        if i > 0 {
            if !rest.starts_with(':') {
                return false;
            }
            rest = &rest[1..];
        }
        if number(max, &mut rest).is_none() {
            return false;
        }
    }
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if !zoned {
        return rest.is_empty();
    }
    if rest == "Z" {
        return true;
    }
    let z = rest.as_bytes();
    z.len() == 6
        && matches!(z[0], b'+' | b'-')
        && z[1..3].iter().all(u8::is_ascii_digit)
        && z[3] == b':'
        && z[4..6].iter().all(u8::is_ascii_digit)
}

/// Go's `base64.StdEncoding.DecodeString` (padding required; `\r` and `\n` skipped).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let chunks = symbols.len() / 4;
    for (n, chunk) in symbols.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && n + 1 != chunks) {
            return None;
        }
        let mut acc = 0u32;
        for &c in &chunk[..4 - pad] {
            acc = (acc << 6) | value(c)?;
        }
        acc <<= 6 * pad as u32;
        let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// A Go string of arbitrary bytes as JSON sees it: each invalid UTF-8 byte
/// becomes U+FFFD.
pub(crate) fn go_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for _ in chunk.invalid() {
            out.push('\u{fffd}');
        }
    }
    out
}

/// The key sigs.k8s.io/yaml makes of a decoded map key, or its error.
pub fn key_string(key: &GoScalar) -> Result<String, String> {
    match key {
        GoScalar::Str(s) => Ok(s.clone()),
        GoScalar::Bool(b) => Ok(b.to_string()),
        GoScalar::Int(i) => Ok(i.to_string()),
        GoScalar::Float(f) => Ok(float_key(*f)),
        GoScalar::Uint(u) => Err(format!("unsupported map key of type: uint64, key: {u:#x}")),
        GoScalar::Null => Err("unsupported map key of type: %!s(<nil>), key: <nil>".to_string()),
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's names for infinities and NaN.
pub fn float_key(f: f64) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let x = f as f32;
    if x.is_nan() {
        return ".nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { ".inf" } else { "-.inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{x}")
    }
}

/// A float64 as Go's `encoding/json` writes it.
pub fn float_json(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let abs = f.abs();
    if (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    match exp.strip_prefix('-') {
        Some(neg) => format!("{mantissa}e-{neg}"),
        None => format!("{mantissa}e+{exp}"),
    }
}

/// Appends `s` as Go's `encoding/json` writes a string (HTML-safe escapes).
pub fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\u{1f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_go_reads_them() {
        assert_eq!(resolve(None, "0x1F", true), Ok(GoScalar::Int(31)));
        assert_eq!(
            resolve(None, "18446744073709551615", true),
            Ok(GoScalar::Uint(u64::MAX))
        );
        assert_eq!(resolve(None, "0x", true), Ok(GoScalar::Str("0x".into())));
        assert_eq!(
            resolve(None, "1e309", true),
            Ok(GoScalar::Str("1e309".into()))
        );
        assert_eq!(resolve(None, "._5", true), Ok(GoScalar::Str("._5".into())));
        assert_eq!(resolve(None, ".5_0", true), Ok(GoScalar::Float(0.5)));
        assert_eq!(resolve(None, "1_", true), Ok(GoScalar::Int(1)));
        assert_eq!(resolve(None, "0", true), Ok(GoScalar::Int(0)));
        assert_eq!(resolve(None, "08", true), Ok(GoScalar::Float(8.0)));
    }

    #[test]
    fn tags() {
        let t = |tag: &str, text: &str, plain| resolve(Some(tag), text, plain);
        assert_eq!(
            t("tag:yaml.org,2002:int", "12", false),
            Ok(GoScalar::Int(12))
        );
        assert_eq!(
            t("tag:yaml.org,2002:float", "1", true),
            Ok(GoScalar::Float(1.0))
        );
        assert!(t("tag:yaml.org,2002:int", "abc", true).is_err());
        assert_eq!(
            t("tag:yaml.org,2002:binary", "aGVsbG8=", true),
            Ok(GoScalar::Str("hello".into()))
        );
        assert_eq!(t("!foo", "12", true), Ok(GoScalar::Str("12".into())));
        assert_eq!(
            t("tag:yaml.org,2002:timestamp", "2001-12-14", true),
            Ok(GoScalar::Str("2001-12-14".into()))
        );
    }

    #[test]
    fn go_formatting() {
        assert_eq!(float_json(1e21), "1e+21");
        assert_eq!(float_json(1e-7), "1e-7");
        assert_eq!(float_json(1e20), "100000000000000000000");
        assert_eq!(
            float_json(1.234_567_890_123_456_9e23),
            "1.2345678901234569e+23"
        );
        assert_eq!(float_key(1000.0), "1000");
        assert_eq!(float_key(1e7), "1e+07");
        assert_eq!(float_key(1e-5), "1e-05");
        assert_eq!(float_key(1.234_567_89), "1.2345679");
        assert_eq!(float_key(1e39), ".inf");
        let mut s = String::new();
        json_string("<&>\u{2028}\u{1}\u{8}", &mut s);
        assert_eq!(s, r#""\u003c\u0026\u003e\u2028\u0001\b""#);
    }
}
