//! Gateway API durations (GEP-2257): `^([0-9]{1,5}(h|m|s|ms)){1,4}$`. The one
//! parser, used by the validator (`httproute-*` rules) and the post-renderer
//! (HTTPRoute timeouts, written in canonical form: each unit once, largest
//! first, zero parts left out).

/// Whole seconds as a canonical Gateway API duration (`3600` → `1h`,
/// `5400` → `1h30m`, `90` → `1m30s`, `0` → `0s`). `None` when it cannot be
/// written (negative, or more than 99999 hours).
pub fn gateway_duration(seconds: i64) -> Option<String> {
    if seconds < 0 {
        return None;
    }
    let hours = seconds / 3600;
    let minutes = (seconds % 3600) / 60;
    let secs = seconds % 60;
    if hours > 99_999 {
        return None;
    }
    if seconds == 0 {
        return Some("0s".into());
    }
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    if secs > 0 {
        out.push_str(&format!("{secs}s"));
    }
    Some(out)
}

/// Whether `text` is a Gateway API duration.
pub fn is_gateway_duration(text: &str) -> bool {
    parse_duration(text).is_some()
}

/// Milliseconds of a Gateway API duration (`^([0-9]{1,5}(h|m|s|ms)){1,4}$`).
pub fn parse_duration(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut groups = 0;
    let mut total: u64 = 0;
    while i < bytes.len() {
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - digits_start;
        if !(1..=5).contains(&digits) {
            return None;
        }
        let n: u64 = text.get(digits_start..i)?.parse().ok()?;
        let rest = text.get(i..)?;
        let (unit_ms, len) = if rest.starts_with("ms") {
            (1, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1)
        } else if rest.starts_with('m') {
            (60_000, 1)
        } else if rest.starts_with('s') {
            (1_000, 1)
        } else {
            return None;
        };
        i += len;
        groups += 1;
        if groups > 4 {
            return None;
        }
        total += n * unit_ms;
    }
    (groups > 0).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        for (secs, text) in [
            (0, "0s"),
            (1, "1s"),
            (59, "59s"),
            (60, "1m"),
            (90, "1m30s"),
            (3600, "1h"),
            (3601, "1h1s"),
            (5400, "1h30m"),
            (86_400, "24h"),
            (99_999 * 3600 + 3599, "99999h59m59s"),
        ] {
            assert_eq!(gateway_duration(secs).as_deref(), Some(text));
            assert!(is_gateway_duration(text), "{text}");
        }
        assert_eq!(gateway_duration(-1), None);
        assert_eq!(gateway_duration(100_000 * 3600), None);
    }

    #[test]
    fn the_gateway_api_pattern() {
        for ok in ["1h", "1h30m30s500ms", "00060m", "3600s"] {
            assert!(is_gateway_duration(ok), "{ok}");
        }
        for bad in [
            "",
            "1",
            "1d",
            "1.5h",
            "123456s",
            "1h1m1s1ms1h",
            "-1s",
            "1 h",
        ] {
            assert!(!is_gateway_duration(bad), "{bad}");
        }
    }
}
