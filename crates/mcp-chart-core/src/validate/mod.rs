//! Validation of values the way Helm reads them: each file read as YAML 1.1,
//! merged (chart defaults ← `-f` files ← `--set`) with provenance, then checked
//! against the generated schema and the semantic rules. Every problem is a
//! [`Diagnostic`] located in the file (or `--set` argument) that supplied it;
//! problems in the input are data, never a Rust error.

mod catalog;
mod context;
mod diagnostic;
mod hazards;
mod input;
mod rules;
mod scalar_pos;
mod schema_check;
mod suggest;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use catalog::{rule_for, Code, Rule, RULES};
pub use context::display_path;
pub use diagnostic::{Diagnostic, Severity, SourceKind, SourceText};
pub use input::{MAX_VALUES_BYTES, MAX_VALUES_DEPTH};

use crate::values::{
    self, HelmVersion, MergeOptions, SetArg, ValuesError, ValuesInput, ValuesSource, CHART_DEFAULTS,
};
use crate::yaml::{decode_utf8, YamlError};
use context::Ctx;

/// Diagnostics listed per source (each file, each `--set`): the rest are
/// counted in [`Report::omitted`]. A hostile file can have millions (one
/// `yaml11-bool` per line); the first ones are what a user fixes first.
pub const MAX_DIAGNOSTICS_PER_SOURCE: usize = 100;

/// Diagnostics of one code in one source that are counted but not listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Omitted {
    /// Their code (and so their severity).
    pub code: Code,
    /// Index into [`Report::sources`].
    pub source: Option<usize>,
    /// The file (or `--set` argument) they are in.
    pub file: Option<String>,
    /// How many.
    pub count: usize,
}

/// The outcome of a validation run, with the inputs for source snippets.
/// Serializes whole (the wasm engine carries it as is); the CLI's `json`
/// output format is a view of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// No errors (warnings allowed), the omitted ones included.
    pub valid: bool,
    /// Findings, ordered by source (files in order, `--set`s, chart defaults),
    /// then line and column; at most [`MAX_DIAGNOSTICS_PER_SOURCE`] per source.
    pub diagnostics: Vec<Diagnostic>,
    /// The diagnostics past the first [`MAX_DIAGNOSTICS_PER_SOURCE`] of
    /// their source, counted by code.
    #[serde(default)]
    pub omitted: Vec<Omitted>,
    /// The inputs, for source snippets ([`Diagnostic::source`] indexes them).
    pub sources: Vec<SourceText>,
}

impl Report {
    fn new(diagnostics: Vec<Diagnostic>, sources: Vec<SourceText>) -> Self {
        Report::with_omitted(diagnostics, Vec::new(), sources)
    }

    /// Sorts, removes duplicates and keeps the first
    /// [`MAX_DIAGNOSTICS_PER_SOURCE`] of each source, errors before warnings
    /// (`omitted`: those already left out).
    fn with_omitted(
        mut diagnostics: Vec<Diagnostic>,
        mut omitted: Vec<Omitted>,
        sources: Vec<SourceText>,
    ) -> Self {
        let rank = |d: &Diagnostic| match d.source {
            Some(0) => (2, 0),
            Some(s) => (0, s),
            None => (3, 0),
        };
        diagnostics.sort_by(|a, b| {
            (rank(a), a.line, a.column, a.code, &a.message).cmp(&(
                rank(b),
                b.line,
                b.column,
                b.code,
                &b.message,
            ))
        });
        diagnostics.dedup();
        // Errors first: warnings fill what the errors leave of each source's share.
        let mut errors: HashMap<Option<usize>, usize> = HashMap::new();
        for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
            *errors.entry(d.source).or_insert(0) += 1;
        }
        let mut listed: HashMap<(Option<usize>, Severity), usize> = HashMap::new();
        let mut left_out: HashMap<(Option<usize>, Code), usize> = HashMap::new();
        diagnostics.retain(|d| {
            let share = match d.severity {
                Severity::Error => MAX_DIAGNOSTICS_PER_SOURCE,
                Severity::Warning => MAX_DIAGNOSTICS_PER_SOURCE
                    .saturating_sub(errors.get(&d.source).copied().unwrap_or(0)),
            };
            let n = listed.entry((d.source, d.severity)).or_insert(0);
            *n += 1;
            if *n <= share {
                return true;
            }
            *left_out.entry((d.source, d.code)).or_insert(0) += 1;
            false
        });
        for ((source, code), count) in left_out {
            add_omitted(&mut omitted, code, source, &sources, count);
        }
        omitted.sort_by_key(|o| (o.source, o.code));
        let mut report = Report {
            valid: true,
            diagnostics,
            omitted,
            sources,
        };
        report.refresh();
        report
    }

    fn refresh(&mut self) {
        self.valid = self.errors() == 0;
    }

    /// How many errors (the omitted ones included).
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many warnings (the omitted ones included).
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        let listed = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count();
        let omitted: usize = self
            .omitted
            .iter()
            .filter(|o| o.code.severity() == severity)
            .map(|o| o.count)
            .sum();
        listed + omitted
    }

    /// Drops the diagnostics whose code is in `codes` (input errors stay).
    pub fn ignore(&mut self, codes: &[Code]) {
        let kept = |code: Code| !codes.contains(&code) || code.is_input();
        self.diagnostics.retain(|d| kept(d.code));
        self.omitted.retain(|o| kept(o.code));
        self.refresh();
    }

    /// The source text of `d`, when it has one.
    pub fn source_of(&self, d: &Diagnostic) -> Option<&SourceText> {
        self.sources.get(d.source?)
    }

    /// The omitted diagnostics per file, in source order: (file, errors,
    /// warnings).
    pub fn omitted_per_file(&self) -> Vec<(Option<&str>, usize, usize)> {
        let mut out: Vec<(Option<usize>, Option<&str>, usize, usize)> = Vec::new();
        for o in &self.omitted {
            let at = match out.iter().position(|(s, ..)| *s == o.source) {
                Some(at) => at,
                None => {
                    out.push((o.source, o.file.as_deref(), 0, 0));
                    out.len() - 1
                }
            };
            match o.code.severity() {
                Severity::Error => out[at].2 += o.count,
                Severity::Warning => out[at].3 += o.count,
            }
        }
        out.into_iter().map(|(_, f, e, w)| (f, e, w)).collect()
    }
}

/// Counts `count` more omitted diagnostics of `code` in `source`.
fn add_omitted(
    omitted: &mut Vec<Omitted>,
    code: Code,
    source: Option<usize>,
    sources: &[SourceText],
    count: usize,
) {
    match omitted
        .iter_mut()
        .find(|o| o.code == code && o.source == source)
    {
        Some(o) => o.count += count,
        None => omitted.push(Omitted {
            code,
            source,
            file: source.and_then(|s| sources.get(s)).map(|s| s.name.clone()),
            count,
        }),
    }
}

/// Validates values files given as text (a leading BOM is ignored).
pub fn validate(files: &[ValuesSource<'_>], sets: &[SetArg]) -> Report {
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|f| (f.name, f.text.strip_prefix('\u{feff}').unwrap_or(f.text)))
        .collect();
    run(&texts, sets, Vec::new(), HelmVersion::V3)
}

/// Validates values as the user gives them to Helm: a file that is not UTF-8
/// (or is too large) is an error diagnostic.
pub fn validate_input(input: &ValuesInput) -> Report {
    let sets = input.set_args();
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    let mut lossy = Vec::new();
    for (i, file) in input.files.iter().enumerate() {
        let source = i + 1;
        let bytes = file.text.as_bytes();
        if bytes.len() > MAX_VALUES_BYTES {
            let error = YamlError::Limit {
                location: crate::location::Location::new(1, 1),
                what: "file size in bytes",
                limit: MAX_VALUES_BYTES,
            };
            problems.push(input::yaml_error(&file.name, source, &error));
            texts.push((file.name.as_str(), ""));
            lossy.push(None);
            continue;
        }
        match decode_utf8(bytes) {
            Ok(text) => {
                texts.push((file.name.as_str(), text));
                lossy.push(None);
            }
            Err(error) => {
                problems.push(input::yaml_error(&file.name, source, &error));
                texts.push((file.name.as_str(), ""));
                lossy.push(Some(String::from_utf8_lossy(bytes).into_owned()));
            }
        }
    }
    if problems.is_empty() {
        return run(&texts, &sets, Vec::new(), input.helm);
    }
    let mut sources = source_list(&texts, &sets);
    for (i, text) in lossy.into_iter().enumerate() {
        if let (Some(text), Some(s)) = (text, sources.get_mut(i + 1)) {
            s.text = text;
        }
    }
    Report::new(problems, sources)
}

/// What `post-render --values/--set` runs before it post-renders: the checks
/// of [`validate_input`]. With no error, the merged values and the report of
/// the warnings; else the report of the errors, the same `validate` gives.
/// Left out: `gateway-post-renderer` (it is running), and the rules that
/// depend on what this chart's templates render (`gateway-nothing-to-serve`,
/// `gateway-default-unrunnable`, `chart-map-deleted`): `--values`
/// also serves charts that render their own, and the post-renderer builds the
/// gateway from the container in the stream, with the same builder.
pub fn checked_values(input: &ValuesInput) -> Result<(serde_json::Value, Report), Report> {
    let mut report = validate_input(input);
    report.ignore(&[
        Code::GatewayPostRenderer,
        Code::GatewayNothingToServe,
        Code::GatewayDefaultUnrunnable,
        Code::ChartMapDeleted,
    ]);
    if !report.valid {
        return Err(report);
    }
    let mut texts = Vec::with_capacity(input.files.len());
    for file in &input.files {
        match decode_utf8(file.text.as_bytes()) {
            Ok(text) => texts.push(ValuesSource {
                name: &file.name,
                text: text.strip_prefix('\u{feff}').unwrap_or(text),
            }),
            Err(_) => return Err(report),
        }
    }
    let options = MergeOptions {
        helm: input.helm,
        ..MergeOptions::default()
    };
    match values::merge_with(&texts, &input.set_args(), &options) {
        Ok(merged) => Ok((merged.json, report)),
        Err(_) => Err(report),
    }
}

impl Diagnostic {
    /// `file:line:col: error[code]: message`, and the help on a second line.
    pub fn one_line(&self) -> String {
        let mut out = String::new();
        if let Some(file) = &self.file {
            out.push_str(file);
            if let (Some(line), Some(column)) = (self.line, self.column) {
                out.push_str(&format!(":{line}:{column}"));
            }
            out.push_str(": ");
        }
        out.push_str(&format!(
            "{}[{}]: {}",
            self.severity, self.code, self.message
        ));
        if let Some(help) = &self.help {
            out.push_str(&format!("\n  help: {help}"));
        }
        out
    }
}

/// The chart's default values.yaml.
fn chart_defaults_text() -> &'static str {
    crate::embedded::VALUES_YAML
}

fn source_list(files: &[(&str, &str)], sets: &[SetArg]) -> Vec<SourceText> {
    let mut sources = vec![SourceText {
        name: CHART_DEFAULTS.to_string(),
        text: chart_defaults_text().to_string(),
        kind: SourceKind::ChartDefaults,
    }];
    sources.extend(files.iter().map(|(name, text)| SourceText {
        name: (*name).to_string(),
        text: (*text).to_string(),
        kind: SourceKind::File,
    }));
    sources.extend(sets.iter().map(|s| SourceText {
        name: s.source_name(),
        text: s.text.clone(),
        kind: SourceKind::Set,
    }));
    sources
}

fn run(
    files: &[(&str, &str)],
    sets: &[SetArg],
    mut diagnostics: Vec<Diagnostic>,
    helm: HelmVersion,
) -> Report {
    let sources = source_list(files, sets);
    // 1. Each file on its own: unreadable input stops here.
    let mut pointers = HashMap::new();
    let mut warnings = Vec::new();
    for (i, (name, text)) in files.iter().enumerate() {
        match input::read(name, text, i + 1, &mut warnings) {
            Ok(index) => {
                pointers.insert(i + 1, index);
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    if !diagnostics.is_empty() {
        return Report::new(diagnostics, sources);
    }
    // Every `--set` that does not parse, not only the first.
    for (index, set) in sets.iter().enumerate() {
        if let Err(ValuesError::Set {
            column, message, ..
        }) = set.check_syntax(helm)
        {
            diagnostics.push(set_error(files, sets, index, column, &message));
        }
    }
    if !diagnostics.is_empty() {
        return Report::new(diagnostics, sources);
    }
    diagnostics.extend(warnings);
    // 2. The merge, as Helm does it.
    let sources_in: Vec<ValuesSource<'_>> = files
        .iter()
        .map(|(name, text)| ValuesSource { name, text })
        .collect();
    let options = MergeOptions {
        helm,
        limits: Some(input::limits()),
        ..MergeOptions::default()
    };
    let merged = match values::merge_with(&sources_in, sets, &options) {
        Ok(m) => m,
        Err(e) => {
            diagnostics.push(merge_error(&e, files, sets));
            return Report::new(diagnostics, sources);
        }
    };
    // 3. Hazards, schema, rules.
    // Only the hazards that can be listed become diagnostics (a hostile file
    // has one per line); the rest are counted.
    let mut hazards_at = HashMap::new();
    let mut per_source: HashMap<usize, usize> = HashMap::new();
    let mut omitted = Vec::new();
    for h in &merged.hazards {
        hazards_at.insert((h.source, h.hazard.span.start), &h.hazard.kind);
        let n = per_source.entry(h.source).or_insert(0);
        *n += 1;
        if *n > MAX_DIAGNOSTICS_PER_SOURCE {
            let code = hazards::code(&h.hazard.kind);
            add_omitted(&mut omitted, code, Some(h.source), &sources, 1);
            continue;
        }
        let name = merged.sources.get(h.source).map_or("", String::as_str);
        diagnostics.push(hazards::diagnostic(
            &h.hazard,
            h.source,
            name,
            pointers.get(&h.source),
        ));
    }
    let ctx = Ctx::new(&merged);
    schema_check::check(&ctx, &hazards_at, &mut diagnostics);
    rules::run(&ctx, &mut diagnostics);
    deleted_chart_maps(&merged.json, files, sets, &pointers, &mut diagnostics);
    Report::with_omitted(diagnostics, omitted, sources)
}

/// A `null` that deleted one of the maps the chart's templates read (Helm
/// would fail rendering), located at the last source that wrote it.
fn deleted_chart_maps(
    merged: &serde_json::Value,
    files: &[(&str, &str)],
    sets: &[SetArg],
    pointers: &HashMap<usize, input::PointerIndex>,
    out: &mut Vec<Diagnostic>,
) {
    for key in crate::chart::TEMPLATE_MAPS {
        if merged.get(key).is_some() {
            continue;
        }
        let d = Diagnostic::new(
            Code::ChartMapDeleted,
            format!(
                "`{key}: null` deletes the chart's `{key}` settings, which its templates read: \
                 helm template fails (nil pointer)"
            ),
        )
        .with_help(format!(
            "remove the `null` to keep the chart's defaults, or set only the keys of `{key}` you want to change"
        ));
        let wrote = |text: &str| {
            text.split(',')
                .any(|part| part.strip_prefix(*key).is_some_and(|r| r.starts_with('=')))
        };
        let pointer = format!("/{key}");
        let located = sets
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| wrote(&s.text))
            .map(|(i, s)| {
                d.clone().at(
                    1 + files.len() + i,
                    &s.source_name(),
                    crate::location::Location::new(1, 1),
                    None,
                )
            })
            .or_else(|| {
                files.iter().enumerate().rev().find_map(|(i, (name, _))| {
                    let index = pointers.get(&(i + 1))?;
                    let at = index
                        .iter()
                        .filter(|(_, path)| **path == pointer)
                        .map(|(at, _)| *at)
                        .min()?;
                    Some(d.clone().at(i + 1, name, at, None))
                })
            });
        out.push(located.unwrap_or(d));
    }
}

/// A merge failure as a diagnostic (files were read already, so this is
/// normally a `--set` argument that does not parse).
fn merge_error(error: &ValuesError, files: &[(&str, &str)], sets: &[SetArg]) -> Diagnostic {
    match error {
        ValuesError::Set {
            arg,
            column,
            message,
        } => {
            let index = sets.iter().position(|s| &s.text == arg).unwrap_or(0);
            set_error(files, sets, index, *column, message)
        }
        ValuesError::Yaml { source_name, error } => {
            let index = files
                .iter()
                .position(|(n, _)| n == source_name)
                .map_or(0, |i| i + 1);
            input::yaml_error(source_name, index, error)
        }
        ValuesError::NotAMap {
            source_name,
            location,
            found,
        } => {
            let index = files
                .iter()
                .position(|(n, _)| n == source_name)
                .map_or(0, |i| i + 1);
            Diagnostic::new(
                Code::ValuesNotAMap,
                format!("a values file must be a map of keys to values, found {found}"),
            )
            .at(index, source_name, *location, None)
        }
    }
}

/// `sets[index]` does not parse at `column`.
fn set_error(
    files: &[(&str, &str)],
    sets: &[SetArg],
    index: usize,
    column: u32,
    message: &str,
) -> Diagnostic {
    let name = sets
        .get(index)
        .map_or_else(String::new, SetArg::source_name);
    Diagnostic::new(
        Code::SetSyntax,
        format!("cannot parse `{name}`: {message}"),
    )
    .with_help("write `--set key.path=value`, `key.list[0]=value` or `key={a,b}`; escape `,` `.` `=` with `\\`")
    .at(
        1 + files.len() + index,
        &name,
        crate::location::Location::new(1, column),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'a>(name: &'a str, text: &'a str) -> ValuesSource<'a> {
        ValuesSource { name, text }
    }

    #[test]
    fn a_null_that_deletes_a_map_the_templates_read_is_an_error() {
        let r = validate(&[file("v.yaml", "replicaCount: 1\nimage: null\n")], &[]);
        let d: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::ChartMapDeleted)
            .collect();
        assert_eq!(d.len(), 1, "{:?}", r.diagnostics);
        assert_eq!((d[0].file.as_deref(), d[0].line), (Some("v.yaml"), Some(2)));
        assert!(!r.valid);
        let r = validate(&[], &[SetArg::new("replicaCount=2,ingress=null")]);
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == Code::ChartMapDeleted);
        assert!(
            d.is_some_and(|d| d.message.contains("`ingress: null`")),
            "{:?}",
            r.diagnostics
        );
        // A null inside a map, or for a key the templates guard, is fine.
        let r = validate(
            &[file("v.yaml", "image:\n  tag: null\nnodeSelector: null\n")],
            &[],
        );
        assert!(
            r.diagnostics
                .iter()
                .all(|d| d.code != Code::ChartMapDeleted),
            "{:?}",
            r.diagnostics
        );
    }

    #[test]
    fn empty_and_comment_only_files_are_no_overrides() {
        for text in ["", "# only a comment\n", "---\n", "\u{feff}", "~\n"] {
            let r = validate(&[file("v.yaml", text)], &[]);
            assert!(
                r.valid && r.diagnostics.is_empty(),
                "{text:?}: {:?}",
                r.diagnostics
            );
        }
    }

    #[test]
    fn a_diagnostic_points_into_the_file_that_supplied_the_value() {
        let r = validate(
            &[
                file("a.yaml", "service:\n  port: 3000\n"),
                file("b.yaml", "# second\nservice:\n  port: \"x\"\n"),
            ],
            &[SetArg::new("replicaCount=1")],
        );
        let d = &r.diagnostics[0];
        assert_eq!(d.code, Code::SchemaType);
        assert_eq!(
            (d.file.as_deref(), d.line, d.column),
            (Some("b.yaml"), Some(3), Some(9))
        );
        assert_eq!(d.path, "/service/port");
    }

    #[test]
    fn set_values_are_located_in_the_argument() {
        let r = validate(&[], &[SetArg::new("replicaCount=abc")]);
        let d = &r.diagnostics[0];
        assert_eq!(d.code, Code::SchemaType);
        assert_eq!(d.file.as_deref(), Some("--set replicaCount=abc"));
        assert_eq!((d.line, d.column), (Some(1), Some(14)));
        let r = validate(&[], &[SetArg::new("a.b")]);
        assert_eq!(r.diagnostics[0].code, Code::SetSyntax);
    }

    #[test]
    fn every_set_that_does_not_parse_is_reported() {
        let r = validate(
            &[],
            &[
                SetArg::new("a.b"),
                SetArg::new("replicaCount=2"),
                SetArg::new("x[z]=1"),
            ],
        );
        let found: Vec<(Code, Option<&str>)> = r
            .diagnostics
            .iter()
            .map(|d| (d.code, d.file.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (Code::SetSyntax, Some("--set a.b")),
                (Code::SetSyntax, Some("--set x[z]=1")),
            ]
        );
    }

    #[test]
    fn not_utf8_is_located() {
        let r = validate_input(&ValuesInput {
            files: vec![crate::values::ValuesFile::new(
                "v.yaml",
                b"a: 1\nb: \xff\n".to_vec(),
            )],
            ..ValuesInput::default()
        });
        let d = &r.diagnostics[0];
        assert_eq!(
            (d.code, d.line, d.column),
            (Code::NotUtf8, Some(2), Some(4))
        );
        assert!(!r.valid);
    }

    #[test]
    fn ignore_drops_rule_codes_but_not_input_errors() {
        let mut r = validate(&[file("v.yaml", "replicaCount: 3\n")], &[]);
        assert_eq!(r.warnings(), 1);
        r.ignore(&[Code::SseReplicas]);
        assert!(r.diagnostics.is_empty());
        let mut r = validate(&[file("v.yaml", "a: [\n")], &[]);
        r.ignore(&[Code::YamlSyntax]);
        assert_eq!(r.errors(), 1);
    }
}
