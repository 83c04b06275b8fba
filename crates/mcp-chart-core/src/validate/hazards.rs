//! YAML 1.1 surprises and duplicate keys, as warnings: Helm accepts them, but
//! they rarely mean what they look like.

use super::diagnostic::Diagnostic;
use super::input::PointerIndex;
use crate::validate::Code;
use crate::yaml::{Hazard, HazardKind};

/// The code of the warning for `kind`.
pub(crate) fn code(kind: &HazardKind) -> Code {
    match kind {
        HazardKind::Yaml11Bool { .. } => Code::Yaml11Bool,
        HazardKind::Octal { .. } => Code::YamlOctal,
        HazardKind::DuplicateKey { .. } => Code::DuplicateKey,
    }
}

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
            Code::Yaml11Bool,
            format!("`{text}` is read as the boolean {value} (YAML 1.1), not as the string \"{text}\""),
        )
        .with_help(format!(
            "write `{value}` if you mean a boolean, or quote it (\"{text}\") if you mean the text"
        )),
        HazardKind::Octal { text, value } => Diagnostic::new(
            Code::YamlOctal,
            format!("`{text}` is read as an octal number, {value} in decimal (YAML 1.1)"),
        )
        .with_help(format!(
            "quote it (\"{text}\") if you mean the text, write `0o{}` to make the octal explicit, or drop the leading zero for a decimal number",
            text.trim_start_matches(['+', '-']).trim_start_matches('0')
        )),
        HazardKind::DuplicateKey { key, first } => Diagnostic::new(
            Code::DuplicateKey,
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

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{run, with_code};
    use crate::validate::Code;

    #[test]
    fn hazards_are_warnings_with_their_value_path() {
        let r = run("serviceAccount:\n  create: yes\nvolumes:\n  - name: x\n    configMap: {name: x, defaultMode: 0644}\nservice:\n  port: 1\n  port: 2\n");
        assert!(r.valid);
        let b = with_code(&r, Code::Yaml11Bool);
        assert_eq!(
            (b[0].path.as_str(), b[0].line, b[0].column),
            ("/serviceAccount/create", Some(2), Some(11))
        );
        let o = with_code(&r, Code::YamlOctal);
        assert_eq!(o[0].path, "/volumes/0/configMap/defaultMode");
        assert!(o[0].message.contains("420 in decimal"), "{}", o[0].message);
        let d = with_code(&r, Code::DuplicateKey);
        assert_eq!((d[0].path.as_str(), d[0].line), ("/service/port", Some(8)));
        assert!(d[0].message.contains("first at line 7"));
    }
}
