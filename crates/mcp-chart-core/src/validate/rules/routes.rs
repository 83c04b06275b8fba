//! HTTPRoute rule timeouts: `httproute-duration-format` and
//! `httproute-backend-exceeds-request`, as the Gateway API's CRD validation
//! would reject them at install time.

use crate::validate::Code;
use serde_json::Value;

use crate::duration::parse_duration;
use crate::validate::context::{display_path, Ctx};
use crate::validate::diagnostic::Diagnostic;

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (i, rule) in ctx.items("/httpRoute/rules").iter().enumerate() {
        let Some(timeouts) = rule.get("timeouts") else {
            continue;
        };
        let base = format!("/httpRoute/rules/{i}/timeouts");
        let mut parsed = [None, None];
        for (slot, key) in ["request", "backendRequest"].iter().enumerate() {
            let Some(value) = timeouts.get(key) else {
                continue;
            };
            let pointer = format!("{base}/{key}");
            let shown = display_path(ctx.values, &pointer);
            match value {
                Value::String(s) => match parse_duration(s) {
                    Some(ms) => parsed[slot] = Some((ms, s.clone())),
                    None => out.push(
                        ctx.diag(
                            Code::HttprouteDurationFormat,
                            &pointer,
                            format!("`{shown}`: \"{s}\" is not a Gateway API duration"),
                        )
                        .with_help(
                            "write 1 to 4 number-and-unit pairs with units h, m, s or ms, such as `3600s` or `1h30m`",
                        ),
                    ),
                },
                Value::Number(n) => out.push(
                    ctx.diag(
                        Code::HttprouteDurationFormat,
                        &pointer,
                        format!("`{shown}`: {n} has no unit; a Gateway API duration is a string such as `{n}s`"),
                    )
                    .with_help(format!("write `{key}: {n}s` for {n} seconds")),
                ),
                other => out.push(ctx.diag(
                    Code::HttprouteDurationFormat,
                    &pointer,
                    format!("`{shown}`: expected a duration such as `3600s`, found {other}"),
                )),
            }
        }
        if let [Some((request, request_text)), Some((backend, backend_text))] = &parsed {
            // `0s` disables the request timeout: any backendRequest fits.
            if *request > 0 && backend > request {
                out.push(
                    ctx.diag(
                        Code::HttprouteBackendExceedsRequest,
                        &format!("{base}/backendRequest"),
                        format!(
                            "`backendRequest` ({backend_text}) is longer than `request` ({request_text}): the Gateway API rejects this HTTPRoute"
                        ),
                    )
                    .with_help(format!(
                        "make `backendRequest` at most `request`, for example `backendRequest: {request_text}`"
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::duration::parse_duration;
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3600s"), Some(3_600_000));
        assert_eq!(parse_duration("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("1h1m1s1ms"), Some(3_661_001));
        assert_eq!(parse_duration("1h1m1s1ms1h"), None);
        assert_eq!(parse_duration("123456s"), None);
        assert_eq!(parse_duration("1.5h"), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("s"), None);
    }

    #[test]
    fn rule_timeouts() {
        let r = run(
            "httpRoute:\n  rules:\n    - timeouts:\n        request: 1h\n        backendRequest: 2h\n    - timeouts:\n        request: 1 hour\n        backendRequest: 3600\n",
        );
        assert_eq!(at(&r, Code::HttprouteBackendExceedsRequest), ["5:25"]);
        assert_eq!(at(&r, Code::HttprouteDurationFormat), ["7:18", "8:25"]);
        let r = run("httpRoute:\n  rules:\n    - timeouts:\n        request: 0s\n        backendRequest: 2h\n");
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    }
}
