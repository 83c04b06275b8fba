//! Helm's `--set` family (strvals), rune for rune: `a.b=c`, `a.list[0]=x`,
//! `a={x,y}`, `a=null`, assignments separated by `,`, `\` escaping the next
//! character; `--set-string` keeps text, `--set-json` reads JSON values,
//! `--set-file` reads each value from a file, `--set-literal` takes the rest of
//! the argument as one string. Helm's quirks are kept on purpose (an empty key
//! is ignored, `k={}` is `[""]`, a type conflict with an earlier value is an
//! error), because the point is to predict what Helm does.

use indexmap::IndexMap;

use super::tree::{Scalar, VKind, VNode};
use super::{HelmVersion, Origin, ValuesError};
use crate::location::{to_u32, Location};
use crate::yaml::Span;

/// Helm refuses list indexes above this (it would allocate the whole list).
const MAX_INDEX: i64 = 65_536;
/// List elements that `--set` indexes may add in one merge, all arguments
/// together (Helm has no such limit, but each padded element costs a few
/// hundred bytes here: four lists of Helm's largest index, about 100 MB).
pub const MAX_SET_LIST_ELEMENTS: usize = 4 * 65_536;
/// Helm refuses more dots than this in one key.
const MAX_NESTED_NAME_LEVEL: usize = 30;
/// Deepest JSON value `--set-json` accepts here (a deliberate limit; Go's is 10000).
const MAX_JSON_DEPTH: usize = 256;

/// Which flag an argument came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SetKind {
    /// `--set-json`: values are JSON (applied first).
    Json,
    /// `--set`: values are typed (`true`, `null`, integers).
    Set,
    /// `--set-string`: values stay strings.
    String,
    /// `--set-file`: each value is a file path; the value is the file's text.
    File,
    /// `--set-literal`: one key, the rest of the argument is its string value.
    Literal,
}

impl SetKind {
    /// The flag's name.
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Json => "--set-json",
            SetKind::Set => "--set",
            SetKind::String => "--set-string",
            SetKind::File => "--set-file",
            SetKind::Literal => "--set-literal",
        }
    }
}

/// One `--set`-family argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetArg {
    /// The argument as given, such as `image.tag=1.2,replicaCount=2`.
    pub text: String,
    /// The flag it came with.
    pub kind: SetKind,
    /// For `--set-file`: each path's text, or why it could not be read.
    pub files: Vec<(String, Result<String, String>)>,
}

impl SetArg {
    fn of(text: impl Into<String>, kind: SetKind) -> Self {
        SetArg {
            text: text.into(),
            kind,
            files: Vec::new(),
        }
    }

    /// A `--set` argument.
    pub fn new(text: impl Into<String>) -> Self {
        Self::of(text, SetKind::Set)
    }

    /// A `--set-string` argument.
    pub fn string(text: impl Into<String>) -> Self {
        Self::of(text, SetKind::String)
    }

    /// A `--set-json` argument.
    pub fn json(text: impl Into<String>) -> Self {
        Self::of(text, SetKind::Json)
    }

    /// A `--set-literal` argument.
    pub fn literal(text: impl Into<String>) -> Self {
        Self::of(text, SetKind::Literal)
    }

    /// A `--set-file` argument with the files it names, read by the caller
    /// (see [`SetArg::file_paths`]).
    pub fn file(text: impl Into<String>, files: Vec<(String, Result<String, String>)>) -> Self {
        SetArg {
            files,
            ..Self::of(text, SetKind::File)
        }
    }

    /// Whether every value stays a string (`--set-string`).
    pub fn force_string(&self) -> bool {
        self.kind == SetKind::String
    }

    /// The paths a `--set-file` argument names, in order (what the caller
    /// must read before merging).
    pub fn file_paths(text: &str) -> Vec<String> {
        let mut paths = Vec::new();
        let arg = SetArg::of(text, SetKind::File);
        let mut parser = Parser::new(&arg, 0);
        parser.collect_paths = Some(&mut paths);
        let mut root = IndexMap::new();
        let _ = parser.parse(&mut root);
        paths
    }

    /// How diagnostics name this argument.
    pub fn source_name(&self) -> String {
        format!("{} {}", self.kind.flag(), self.text)
    }

    /// Whether the argument parses on its own (the merge stops at the first
    /// one that does not; validation reports every one).
    pub fn check_syntax(&self, helm: HelmVersion) -> Result<(), ValuesError> {
        let mut elements_left = MAX_SET_LIST_ELEMENTS;
        parse_into(&mut IndexMap::new(), self, 0, helm, &mut elements_left)
    }
}

/// Applies every assignment of `set` to the user values in `user`.
/// `elements_left`: how many list elements `--set` indexes may still add in
/// this merge ([`MAX_SET_LIST_ELEMENTS`] at its start).
pub(crate) fn apply(
    user: &mut VNode,
    set: &SetArg,
    source: usize,
    helm: HelmVersion,
    elements_left: &mut usize,
) -> Result<(), ValuesError> {
    let VKind::Map(map) = &mut user.kind else {
        return Ok(());
    };
    parse_into(map, set, source, helm, elements_left)
}

/// Runs the parser of `set` over the map `map`.
fn parse_into(
    map: &mut Map,
    set: &SetArg,
    source: usize,
    helm: HelmVersion,
    elements_left: &mut usize,
) -> Result<(), ValuesError> {
    let mut parser = Parser::new(set, source);
    parser.helm = helm;
    parser.elements_left = *elements_left;
    let parsed = parser.parse(map);
    *elements_left = parser.elements_left;
    parsed.map_err(|(column, message)| ValuesError::Set {
        arg: set.text.clone(),
        column: to_u32(column + 1),
        message,
    })
}

/// How one step of the parser ended (Go's `nil`, `io.EOF`, or an error).
#[derive(Debug)]
enum Flow {
    Ok,
    Eof,
    Fail(String),
}

enum ListErr {
    Eof,
    NotList,
    Fail(String),
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    arg: &'a SetArg,
    source: usize,
    /// Where the current top-level assignment started.
    path_start: usize,
    /// Where `=` was.
    eq_at: usize,
    collect_paths: Option<&'a mut Vec<String>>,
    /// Helm 3 refuses an unterminated index (`a[0`); Helm 4 ignores it.
    helm: HelmVersion,
    /// List elements indexes may still add ([`MAX_SET_LIST_ELEMENTS`]).
    elements_left: usize,
}

type Map = IndexMap<String, VNode>;

impl<'a> Parser<'a> {
    fn new(arg: &'a SetArg, source: usize) -> Self {
        Parser {
            chars: arg.text.chars().collect(),
            pos: 0,
            arg,
            source,
            path_start: 0,
            eq_at: 0,
            collect_paths: None,
            helm: HelmVersion::V3,
            elements_left: MAX_SET_LIST_ELEMENTS,
        }
    }

    fn literal(&self) -> bool {
        self.arg.kind == SetKind::Literal
    }

    fn parse(&mut self, data: &mut Map) -> Result<(), (usize, String)> {
        loop {
            self.path_start = self.pos;
            match self.key(data, 0) {
                Flow::Ok => {}
                Flow::Eof => return Ok(()),
                Flow::Fail(message) => return Err((self.pos.min(self.chars.len()), message)),
            }
        }
    }

    fn origin(&self, value_start: usize) -> Origin {
        Origin {
            source: self.source,
            key: Some(columns(self.path_start, self.eq_at)),
            value: columns(value_start, self.pos),
        }
    }

    fn node(&self, value: Scalar, value_start: usize) -> VNode {
        VNode::scalar(value, self.origin(value_start))
    }

    /// Reads up to one of `stop` (consumed), handling `\` escapes unless this
    /// is `--set-literal`. `None`: the end of the text came first.
    fn runes_until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if stop.contains(&c) {
                return (out, Some(c));
            }
            if c == '\\' && !self.literal() {
                match self.chars.get(self.pos) {
                    Some(&next) => {
                        self.pos += 1;
                        out.push(next);
                    }
                    None => return (out, None),
                }
            } else {
                out.push(c);
            }
        }
        (out, None)
    }

    fn key(&mut self, data: &mut Map, mut level: usize) -> Flow {
        let stop: &[char] = if self.literal() {
            &['=', '[', '.']
        } else {
            &['=', '[', ',', '.']
        };
        let (key, last) = self.runes_until(stop);
        match last {
            None if key.is_empty() => Flow::Eof,
            None => Flow::Fail(format!("key {key:?} has no value")),
            Some('[') => {
                let index = match self.key_index() {
                    Ok(i) => i,
                    Err(flow) => return self.index_error(flow),
                };
                let list = match data.get(&key) {
                    None => Vec::new(),
                    Some(VNode {
                        kind: VKind::Seq(items),
                        ..
                    }) => items.clone(),
                    Some(other) => return conversion(other, "[]interface {}"),
                };
                let (list, flow) = self.list_item(list, index, level);
                let origin = self.origin(self.pos);
                set(data, key, seq(list, origin));
                flow
            }
            Some('=') => {
                self.eq_at = self.pos - 1;
                match self.value() {
                    Ok(Some(value)) => {
                        set(data, key, value);
                        Flow::Ok
                    }
                    Ok(None) => {
                        let value = self.node(Scalar::Str(String::new()), self.pos);
                        set(data, key, value);
                        Flow::Eof
                    }
                    Err(message) => Flow::Fail(message),
                }
            }
            Some(',') => Flow::Fail(format!("key {key:?} has no value (cannot end with ,)")),
            Some(_) => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Flow::Fail(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let existed = data.contains_key(&key);
                let (mut inner, origin) = match data.shift_remove(&key) {
                    None => (Map::new(), self.origin(self.pos)),
                    Some(VNode {
                        kind: VKind::Map(m),
                        origin,
                    }) => (m, origin),
                    Some(other) => {
                        let flow = conversion(&other, "map[string]interface {}");
                        data.insert(key, other);
                        return flow;
                    }
                };
                let flow = self.key(&mut inner, level);
                let empty = inner.is_empty();
                if existed || (!empty && !key.is_empty()) {
                    set_or_keep(
                        data,
                        key.clone(),
                        VNode {
                            kind: VKind::Map(inner),
                            origin,
                        },
                    );
                }
                match flow {
                    Flow::Ok if empty => Flow::Fail(format!("key map {key:?} has no value")),
                    flow => flow,
                }
            }
        }
    }

    /// The value after `=`: `Ok(None)` when the text ends right there (Go's
    /// `io.EOF` from `valList`, which sets `""`).
    fn value(&mut self) -> Result<Option<VNode>, String> {
        let start = self.pos;
        match self.arg.kind {
            SetKind::Literal => {
                let text: String = self.chars[self.pos..].iter().collect();
                self.pos = self.chars.len();
                Ok(Some(self.node(Scalar::Str(text), start)))
            }
            SetKind::Json => {
                if self.empty_val() {
                    return Ok(Some(self.node(Scalar::Null, start)));
                }
                let origin = self.origin(start);
                let mut json = JsonReader {
                    chars: &self.chars,
                    pos: self.pos,
                    origin,
                };
                let value = json.value(0)?;
                self.pos = json.pos;
                let mut value = value;
                value.origin = self.origin(start);
                self.empty_val();
                Ok(Some(value))
            }
            _ => match self.val_list() {
                Ok(items) => {
                    let origin = self.origin(start);
                    Ok(Some(seq(items, origin)))
                }
                Err(ListErr::Eof) => Ok(None),
                Err(ListErr::NotList) => {
                    let (text, _) = self.runes_until(&[',']);
                    let value = self.read(&text)?;
                    Ok(Some(self.node(value, start)))
                }
                Err(ListErr::Fail(message)) => Err(message),
            },
        }
    }

    /// Go's `emptyVal`: skips spaces; true at the end or at a `,` (consumed).
    fn empty_val(&mut self) -> bool {
        while let Some(&c) = self.chars.get(self.pos) {
            if c == ',' {
                self.pos += 1;
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.pos += 1;
        }
        true
    }

    fn read(&mut self, text: &str) -> Result<Scalar, String> {
        match self.arg.kind {
            SetKind::Set => Ok(typed(text)),
            SetKind::File => {
                if let Some(paths) = self.collect_paths.as_deref_mut() {
                    paths.push(text.to_string());
                    return Ok(Scalar::Str(String::new()));
                }
                match self.arg.files.iter().find(|(path, _)| path == text) {
                    Some((_, Ok(content))) => Ok(Scalar::Str(content.clone())),
                    Some((_, Err(why))) => Err(format!("open {text}: {why}")),
                    None => Err(format!("open {text}: no such file or directory")),
                }
            }
            _ => Ok(Scalar::Str(text.to_string())),
        }
    }

    fn val_list(&mut self) -> Result<Vec<VNode>, ListErr> {
        let start = self.pos;
        match self.chars.get(self.pos) {
            None => return Err(ListErr::Eof),
            Some('{') => self.pos += 1,
            Some(_) => return Err(ListErr::NotList),
        }
        let mut list = Vec::new();
        loop {
            let (text, last) = self.runes_until(&[',', '}']);
            match last {
                None => return Err(ListErr::Fail("list must terminate with '}'".into())),
                Some('}') => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    let value = self.read(&text).map_err(ListErr::Fail)?;
                    list.push(self.node(value, start));
                    return Ok(list);
                }
                Some(_) => {
                    let value = self.read(&text).map_err(ListErr::Fail)?;
                    list.push(self.node(value, start));
                }
            }
        }
    }

    /// Helm 3 wraps the index error as text (so an unterminated index is an
    /// error); Helm 4 wraps it as an error value (so it is the end of input).
    fn index_error(&self, flow: Flow) -> Flow {
        match (flow, self.helm) {
            (Flow::Eof, HelmVersion::V3) => Flow::Fail("error parsing index: EOF".into()),
            (flow, _) => wrap("error parsing index: ", flow),
        }
    }

    fn key_index(&mut self) -> Result<i64, Flow> {
        let (text, last) = self.runes_until(&[']']);
        if last.is_none() {
            return Err(Flow::Eof);
        }
        go_atoi(&text)
            .ok_or_else(|| Flow::Fail(format!("strconv.Atoi: parsing {text:?}: invalid syntax")))
    }

    fn list_item(&mut self, mut list: Vec<VNode>, index: i64, level: usize) -> (Vec<VNode>, Flow) {
        if index < 0 {
            return (
                list,
                Flow::Fail(format!("negative {index} index not allowed")),
            );
        }
        let (key, last) = self.runes_until(&['[', '.', '=']);
        if !key.is_empty() {
            return (
                list,
                Flow::Fail(format!("unexpected data at end of array index: {key:?}")),
            );
        }
        let i = usize::try_from(index).unwrap_or(usize::MAX);
        match last {
            None => (list, Flow::Eof),
            Some('=') => {
                self.eq_at = self.pos - 1;
                match self.value() {
                    Ok(Some(value)) => set_index(list, index, value, &mut self.elements_left),
                    Ok(None) => {
                        let value = self.node(Scalar::Str(String::new()), self.pos);
                        set_index(list, index, value, &mut self.elements_left)
                    }
                    Err(message) => (list, Flow::Fail(message)),
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(flow) => return (list, self.index_error(flow)),
                };
                let current = match list.get(i) {
                    None => Vec::new(),
                    Some(node) if node.is_null() => Vec::new(),
                    Some(VNode {
                        kind: VKind::Seq(items),
                        ..
                    }) => items.clone(),
                    Some(other) => {
                        let flow = conversion(other, "[]interface {}");
                        return (list, flow);
                    }
                };
                let (inner, flow) = self.list_item(current, next, level);
                if !matches!(flow, Flow::Ok) {
                    return (list, flow);
                }
                let origin = self.origin(self.pos);
                set_index(list, index, seq(inner, origin), &mut self.elements_left)
            }
            Some(_) => {
                let origin = self.origin(self.pos);
                let mut inner = match list.get_mut(i) {
                    Some(node) => match &mut node.kind {
                        VKind::Map(m) => std::mem::take(m),
                        _ => {
                            *node = VNode::map(origin);
                            Map::new()
                        }
                    },
                    None => Map::new(),
                };
                let flow = self.key(&mut inner, level);
                if let Some(VNode {
                    kind: VKind::Map(m),
                    ..
                }) = list.get_mut(i)
                {
                    if !matches!(flow, Flow::Ok) {
                        *m = inner;
                        return (list, flow);
                    }
                }
                if !matches!(flow, Flow::Ok) {
                    return (list, flow);
                }
                set_index(
                    list,
                    index,
                    VNode {
                        kind: VKind::Map(inner),
                        origin,
                    },
                    &mut self.elements_left,
                )
            }
        }
    }
}

fn wrap(prefix: &str, flow: Flow) -> Flow {
    match flow {
        Flow::Fail(message) => Flow::Fail(format!("{prefix}{message}")),
        other => other,
    }
}

fn conversion(found: &VNode, wanted: &str) -> Flow {
    Flow::Fail(format!(
        "unable to parse key: interface conversion: interface {{}} is {}, not {wanted}",
        found.go_type_name()
    ))
}

fn seq(items: Vec<VNode>, origin: Origin) -> VNode {
    VNode {
        kind: VKind::Seq(items),
        origin,
    }
}

/// Go's `set`: an empty key is ignored.
fn set(data: &mut Map, key: String, value: VNode) {
    if !key.is_empty() {
        data.insert(key, value);
    }
}

/// Puts a map taken out of `data` back (even under the empty key, where it was).
fn set_or_keep(data: &mut Map, key: String, value: VNode) {
    data.insert(key, value);
}

fn set_index(
    mut list: Vec<VNode>,
    index: i64,
    value: VNode,
    elements_left: &mut usize,
) -> (Vec<VNode>, Flow) {
    if index < 0 {
        return (
            list,
            Flow::Fail(format!("negative {index} index not allowed")),
        );
    }
    if index > MAX_INDEX {
        return (
            list,
            Flow::Fail(format!(
                "index of {index} is greater than maximum supported index of {MAX_INDEX}"
            )),
        );
    }
    let i = usize::try_from(index).unwrap_or(0);
    let added = (i + 1).saturating_sub(list.len());
    if added > *elements_left {
        return (
            list,
            Flow::Fail(format!(
                "the list indexes of the --set arguments would add more than \
                 {MAX_SET_LIST_ELEMENTS} list elements in all; give the list in a values file"
            )),
        );
    }
    *elements_left -= added;
    let origin = value.origin;
    while list.len() <= i {
        list.push(VNode::scalar(Scalar::Null, origin));
    }
    list[i] = value;
    (list, Flow::Ok)
}

/// Go's `strconv.Atoi` (64-bit): an optional sign and decimal digits.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Helm's typing of `--set` values: `true`/`false`/`null` in any case (Go's
/// Unicode case folding, so `ſ` is an `s`), `0`, and base-10 integers that do
/// not start with `0`; everything else stays a string.
fn typed(text: &str) -> Scalar {
    if go_equal_fold(text, "true") {
        return Scalar::Bool(true);
    }
    if go_equal_fold(text, "false") {
        return Scalar::Bool(false);
    }
    if go_equal_fold(text, "null") {
        return Scalar::Null;
    }
    if text == "0" {
        return Scalar::Int(0);
    }
    if !text.is_empty() && !text.starts_with('0') {
        if let Some(i) = go_parse_int10(text) {
            return Scalar::Int(i);
        }
    }
    Scalar::Str(text.to_string())
}

/// `strings.EqualFold(text, word)` for a lowercase ASCII `word`.
fn go_equal_fold(text: &str, word: &str) -> bool {
    let mut chars = text.chars();
    for w in word.chars() {
        let Some(c) = chars.next() else {
            return false;
        };
        let folds = c == w
            || c == w.to_ascii_uppercase()
            || (w == 's' && c == '\u{17f}')
            || (w == 'k' && c == '\u{212a}');
        if !folds {
            return false;
        }
    }
    chars.next().is_none()
}

/// `strconv.ParseInt(text, 10, 64)`.
fn go_parse_int10(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// A one-line span over 0-based character columns `[start, end)`.
fn columns(start: usize, end: usize) -> Span {
    Span {
        start: Location::new(1, to_u32(start + 1)),
        end: Location::new(1, to_u32(end.max(start) + 1)),
    }
}

/// One JSON value as Go's `encoding/json` decodes it into `interface{}`
/// (every number a float64).
struct JsonReader<'c> {
    chars: &'c [char],
    pos: usize,
    origin: Origin,
}

impl JsonReader<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.chars.get(self.pos), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("invalid JSON value: {what}"))
    }

    fn node(&self, kind: VKind) -> VNode {
        VNode {
            kind,
            origin: self.origin,
        }
    }

    fn value(&mut self, depth: usize) -> Result<VNode, String> {
        if depth > MAX_JSON_DEPTH {
            return self.fail("nested too deeply");
        }
        self.skip_ws();
        let Some(&c) = self.chars.get(self.pos) else {
            return self.fail("unexpected end of JSON input");
        };
        match c {
            '{' => {
                self.pos += 1;
                let mut map = Map::new();
                self.skip_ws();
                if self.chars.get(self.pos) == Some(&'}') {
                    self.pos += 1;
                    return Ok(self.node(VKind::Map(map)));
                }
                loop {
                    self.skip_ws();
                    if self.chars.get(self.pos) != Some(&'"') {
                        return self.fail("expected a string key");
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    if self.chars.get(self.pos) != Some(&':') {
                        return self.fail("expected `:`");
                    }
                    self.pos += 1;
                    let value = self.value(depth + 1)?;
                    map.insert(key, value);
                    self.skip_ws();
                    match self.chars.get(self.pos) {
                        Some(',') => self.pos += 1,
                        Some('}') => {
                            self.pos += 1;
                            return Ok(self.node(VKind::Map(map)));
                        }
                        _ => return self.fail("expected `,` or `}`"),
                    }
                }
            }
            '[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.chars.get(self.pos) == Some(&']') {
                    self.pos += 1;
                    return Ok(self.node(VKind::Seq(items)));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.chars.get(self.pos) {
                        Some(',') => self.pos += 1,
                        Some(']') => {
                            self.pos += 1;
                            return Ok(self.node(VKind::Seq(items)));
                        }
                        _ => return self.fail("expected `,` or `]`"),
                    }
                }
            }
            '"' => {
                let s = self.string()?;
                Ok(self.node(VKind::Scalar(Scalar::Str(s))))
            }
            't' => self.word("true", Scalar::Bool(true)),
            'f' => self.word("false", Scalar::Bool(false)),
            'n' => self.word("null", Scalar::Null),
            '-' | '0'..='9' => self.number(),
            _ => self.fail("invalid character"),
        }
    }

    fn word(&mut self, word: &str, value: Scalar) -> Result<VNode, String> {
        let end = self.pos + word.chars().count();
        if end <= self.chars.len() && self.chars[self.pos..end].iter().copied().eq(word.chars()) {
            self.pos = end;
            return Ok(self.node(VKind::Scalar(value)));
        }
        self.fail("invalid literal")
    }

    fn number(&mut self) -> Result<VNode, String> {
        let start = self.pos;
        let digits = |p: &mut usize, chars: &[char]| {
            let s = *p;
            while chars.get(*p).is_some_and(char::is_ascii_digit) {
                *p += 1;
            }
            *p - s
        };
        let mut p = self.pos;
        if self.chars.get(p) == Some(&'-') {
            p += 1;
        }
        match self.chars.get(p) {
            Some('0') => p += 1,
            Some('1'..='9') => {
                digits(&mut p, self.chars);
            }
            _ => return self.fail("invalid number"),
        }
        if self.chars.get(p) == Some(&'.') {
            p += 1;
            if digits(&mut p, self.chars) == 0 {
                return self.fail("invalid number");
            }
        }
        if matches!(self.chars.get(p), Some('e' | 'E')) {
            p += 1;
            if matches!(self.chars.get(p), Some('+' | '-')) {
                p += 1;
            }
            if digits(&mut p, self.chars) == 0 {
                return self.fail("invalid number");
            }
        }
        self.pos = p;
        let text: String = self.chars[start..p].iter().collect();
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(self.node(VKind::Scalar(Scalar::Float(f)))),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.chars.get(self.pos) else {
                return self.fail("unexpected end of JSON input");
            };
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(&e) = self.chars.get(self.pos) else {
                        return self.fail("unexpected end of JSON input");
                    };
                    self.pos += 1;
                    match e {
                        '"' | '\\' | '/' => out.push(e),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let first = self.hex4()?;
                            if (0xd800..0xdc00).contains(&first)
                                && self.chars.get(self.pos) == Some(&'\\')
                                && self.chars.get(self.pos + 1) == Some(&'u')
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let second = self.hex4()?;
                                if (0xdc00..0xe000).contains(&second) {
                                    let c = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
                                    out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                                    continue;
                                }
                                self.pos = save;
                            }
                            out.push(char::from_u32(first).unwrap_or('\u{fffd}'));
                        }
                        _ => return self.fail("invalid escape"),
                    }
                }
                c if u32::from(c) < 0x20 => return self.fail("control character in string"),
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let end = self.pos + 4;
        if end > self.chars.len() {
            return self.fail("invalid \\u escape");
        }
        let text: String = self.chars[self.pos..end].iter().collect();
        let value = u32::from_str_radix(&text, 16).or_else(|_| self.fail("invalid \\u escape"))?;
        self.pos = end;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn apply_all(args: &[SetArg]) -> Result<serde_json::Value, ValuesError> {
        let mut user = VNode::map(Origin {
            source: 0,
            key: None,
            value: Span::default(),
        });
        let mut elements_left = MAX_SET_LIST_ELEMENTS;
        for (i, arg) in args.iter().enumerate() {
            apply(&mut user, arg, i + 1, HelmVersion::V3, &mut elements_left)?;
        }
        Ok(user.to_json())
    }

    #[test]
    fn nested_keys_lists_and_types() {
        let v = apply_all(&[SetArg::new(
            "a.b=c,n=3,t=true,z=null,l={x,2},s[1].k=v,o=0777,e={}",
        )])
        .expect("parses");
        assert_eq!(
            v,
            json!({"a": {"b": "c"}, "n": 3, "t": true, "z": null, "l": ["x", 2], "s": [null, {"k": "v"}], "o": "0777", "e": [""]})
        );
    }

    #[test]
    fn list_elements_added_by_indexes_are_bounded_across_arguments() {
        // Helm's largest index, three times: allowed; a fourth list is refused
        // (each padded element costs memory, and Helm has no total limit).
        let mut args: Vec<SetArg> = (0..3)
            .map(|i| SetArg::new(format!("l{i}[65536]=1")))
            .collect();
        let json = apply_all(&args).expect("three lists");
        assert_eq!(json["l2"].as_array().map(Vec::len), Some(65_537));
        args.push(SetArg::new("l3[65536]=1"));
        let Err(ValuesError::Set { arg, message, .. }) = apply_all(&args) else {
            panic!("a fourth list of 65537 elements is refused");
        };
        assert_eq!(arg, "l3[65536]=1");
        assert!(message.contains("262144 list elements in all"), "{message}");
        // Setting existing elements again adds nothing.
        let again: Vec<SetArg> = (0..100).map(|_| SetArg::new("l[65536]=1")).collect();
        assert!(apply_all(&again).is_ok());
    }

    #[test]
    fn helm_quirks() {
        assert_eq!(
            apply_all(&[SetArg::new(".a=1,=2,[0]=3")]).ok(),
            Some(json!({}))
        );
        assert_eq!(
            apply_all(&[SetArg::new("noval[0]")]).ok(),
            Some(json!({"noval": []}))
        );
        assert_eq!(
            apply_all(&[SetArg::new("a=b\\")]).ok(),
            Some(json!({"a": "b"}))
        );
        assert_eq!(
            apply_all(&[SetArg::new("a={x}y=1")]).ok(),
            Some(json!({"a": ["x"], "y": 1}))
        );
        assert_eq!(
            apply_all(&[SetArg::new("a[0].=1")]).ok(),
            Some(json!({"a": [{}]}))
        );
        assert_eq!(
            apply_all(&[SetArg::new("v=falſe")]).ok(),
            Some(json!({"v": false}))
        );
        for refused in [
            "a.=1",
            "a.[0]=1",
            "a[0]b=1",
            "a[0]]=1",
            "a=1,a.b=2",
            "a[0]=1,a.b=2",
        ] {
            assert!(apply_all(&[SetArg::new(refused)]).is_err(), "{refused}");
        }
    }

    #[test]
    fn set_string_json_literal_and_escapes() {
        let v = apply_all(&[SetArg::string("n=3,a\\.b=x\\,y")]).expect("parses");
        assert_eq!(v, json!({"n": "3", "a.b": "x,y"}));
        let v = apply_all(&[SetArg::json(r#"a={"b":[1,null]},c="x""#)]).expect("parses");
        assert_eq!(v, json!({"a": {"b": [1, null]}, "c": "x"}));
        let v = apply_all(&[SetArg::literal("a=x,y=z")]).expect("parses");
        assert_eq!(v, json!({"a": "x,y=z"}));
        assert_eq!(SetArg::file_paths("a=p1,b={p2,p3}"), ["p1", "p2", "p3"]);
    }

    #[test]
    fn broken_arguments_are_located() {
        let err = apply_all(&[SetArg::new("a.b")]).expect_err("fails");
        assert!(matches!(err, ValuesError::Set { column: 4, .. }), "{err:?}");
    }
}
