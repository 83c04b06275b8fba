//! [`ValuesInput`]: values as a user gives them to Helm (`-f` files, the
//! `--set` family, the Helm version to follow). The one input type of every
//! consumer: the CLI builds it from its flags, the wasm module's protocol and
//! the playground's JavaScript API carry it as JSON, the validator and
//! `post-render --values` take it.

use serde::{Deserialize, Serialize};

use super::{HelmVersion, SetArg, Text};

/// One `-f` values file: the name diagnostics use and its bytes as read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuesFile {
    /// The name diagnostics use (the path as given, `<stdin>` for `-`).
    pub name: String,
    /// The content, exactly as read (it may be invalid UTF-8).
    pub text: Text,
}

impl ValuesFile {
    /// A file named `name` holding `text`.
    pub fn new(name: impl Into<String>, text: impl Into<Text>) -> Self {
        ValuesFile {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// One `--set-file` argument with the text of each file it names (read by
/// the host), or why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFile {
    /// The argument, such as `config.contents=cfg.toml`.
    pub text: String,
    /// `(path, text or the reason it could not be read)` per file.
    #[serde(default)]
    pub files: Vec<(String, Result<String, String>)>,
}

/// Values as Helm takes them: the `-f` files in order, then the `--set`
/// family applied by flag (`--set-json`, `--set`, `--set-string`,
/// `--set-file`, `--set-literal`, whatever their order on the command line).
///
/// JSON (camelCase, every key optional): `{"files": [{"name", "text"}],
/// "sets": ["a=b"], "setStrings": [], "setJson": [], "setFiles": [{"text",
/// "files"}], "setLiterals": [], "helm": "3" | "4"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ValuesInput {
    /// `-f` files, in order.
    #[serde(default)]
    pub files: Vec<ValuesFile>,
    /// `--set` arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<String>,
    /// `--set-string` arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_strings: Vec<String>,
    /// `--set-json` arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_json: Vec<String>,
    /// `--set-file` arguments, with the files' texts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_files: Vec<SetFile>,
    /// `--set-literal` arguments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set_literals: Vec<String>,
    /// Whose reading to follow where Helm 3 and 4 differ.
    #[serde(default, skip_serializing_if = "is_v3")]
    pub helm: HelmVersion,
}

fn is_v3(helm: &HelmVersion) -> bool {
    *helm == HelmVersion::V3
}

impl ValuesInput {
    /// Whether no file and no `--set`-family argument is given.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && !self.has_sets()
    }

    /// Whether any `--set`-family argument is given.
    pub fn has_sets(&self) -> bool {
        !(self.sets.is_empty()
            && self.set_strings.is_empty()
            && self.set_json.is_empty()
            && self.set_files.is_empty()
            && self.set_literals.is_empty())
    }

    /// The `--set`-family arguments in the order Helm applies them.
    pub fn set_args(&self) -> Vec<SetArg> {
        let mut out: Vec<SetArg> = self.set_json.iter().map(SetArg::json).collect();
        out.extend(self.sets.iter().map(SetArg::new));
        out.extend(self.set_strings.iter().map(SetArg::string));
        out.extend(
            self.set_files
                .iter()
                .map(|f| SetArg::file(f.text.clone(), f.files.clone())),
        );
        out.extend(self.set_literals.iter().map(SetArg::literal));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_the_json_round_trip_and_applies_flags_in_helms_order() {
        let input = ValuesInput {
            files: vec![
                ValuesFile::new("a.yaml", "x: 1\n"),
                ValuesFile::new("b.yaml", vec![b'x', 0xff]),
            ],
            sets: vec!["s=1".into()],
            set_strings: vec!["t=2".into()],
            set_json: vec!["j=[1]".into()],
            set_files: vec![SetFile {
                text: "f=p".into(),
                files: vec![("p".into(), Err("no such file or directory".into()))],
            }],
            set_literals: vec!["l=a,b".into()],
            helm: HelmVersion::V4,
        };
        let json = serde_json::to_string(&input).unwrap();
        assert!(json.contains(r#""helm":"4""#) && json.contains(r#"{"bytes":[120,255]}"#));
        assert_eq!(serde_json::from_str::<ValuesInput>(&json).unwrap(), input);
        let kinds: Vec<&str> = input.set_args().iter().map(|s| s.kind.flag()).collect();
        assert_eq!(
            kinds,
            [
                "--set-json",
                "--set",
                "--set-string",
                "--set-file",
                "--set-literal"
            ]
        );
        // What the playground sends: files and plain `--set`s only.
        let js: ValuesInput = serde_json::from_str(
            r#"{"files": [{"name": "v.yaml", "text": "a: 1"}], "sets": ["b=2"]}"#,
        )
        .unwrap();
        assert_eq!((js.helm, js.set_args().len()), (HelmVersion::V3, 1));
        assert!(serde_json::from_str::<ValuesInput>(r#"{"set": []}"#).is_err());
    }
}
