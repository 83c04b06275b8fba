//! YAML 1.1 surprises and duplicate keys, as warnings: Helm accepts them, but
//! they rarely mean what they look like.

use super::diagnostic::{Diagnostic, Severity};
use super::input::PointerIndex;
use crate::yaml::{Hazard, HazardKind};

/// The warning for one hazard in source `source` (named `name`).
pub(crate) fn diagnostic(
    hazard: &Hazard,
    source: usize,
    name: &str,
    pointers: Option<&PointerIndex>,
) -> Diagnostic {
    let path = pointers
        .and_then(|p| p.get(&hazard.span.start))
        .cloned()
        .unwrap_or_default();
    let d = match &hazard.kind {
        HazardKind::Yaml11Bool { text, value } => Diagnostic::new(
            "yaml11-bool",
            Severity::Warning,
            format!("`{text}` is read as the boolean {value} (YAML 1.1), not as the string \"{text}\""),
        )
        .with_help(format!(
            "write `{value}` if you mean a boolean, or quote it (\"{text}\") if you mean the text"
        )),
        HazardKind::Octal { text, value } => Diagnostic::new(
            "yaml-octal",
            Severity::Warning,
            format!("`{text}` is read as an octal number, {value} in decimal (YAML 1.1)"),
        )
        .with_help(format!(
            "quote it (\"{text}\") if you mean the text, write `0o{}` to make the octal explicit, or drop the leading zero for a decimal number",
            text.trim_start_matches(['+', '-']).trim_start_matches('0')
        )),
        HazardKind::DuplicateKey { key, first } => Diagnostic::new(
            "duplicate-key",
            Severity::Warning,
            format!(
                "key `{key}` is written twice in this map (first at line {}); Helm keeps only this last one",
                first.line
            ),
        )
        .with_help("remove one of the two entries"),
    };
    d.with_path(path)
        .at(source, name, hazard.span.start, Some(hazard.span.end))
}
