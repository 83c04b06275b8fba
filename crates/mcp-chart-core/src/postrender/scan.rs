//! A fast look at a document's top level, without building a tree: enough to
//! tell what the document is (`apiVersion`, `kind`, `metadata.name`,
//! `metadata.namespace`, which annotations it has) and so whether the
//! post-renderer needs to read it at all (docs/post-render.md, "What is read").
//!
//! The scan is conservative: it answers only for the plain form Helm and
//! kubectl write (a block map at the top level, a block `metadata` map, keys
//! written plainly or quoted without escapes, the values it reports complete on
//! their line). Anything else — a flow map at the top level, an anchor, tag or
//! alias where a fact is read, a line at column 0 that is not a key, a quoted or
//! flow value continued on the next line, a key written twice, a `...` marker
//! followed by more YAML — makes it give up ([`TopLevel::sure`] false), and the
//! document is read fully instead.
//!
//! Lines inside multi-line scalars can look like keys; the scan may then see a
//! key that is not there, never miss one that is: every real key of the top
//! level (and of `metadata`, `metadata.annotations`) is on a line of its own at
//! that map's indentation, and the scan looks at every such line.

/// What the scan found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopLevel<'a> {
    /// The facts below are exact (else read the document fully).
    pub sure: bool,
    /// Nothing but blank lines, comments and the separator line.
    pub empty: bool,
    /// `apiVersion`.
    pub api_version: Option<&'a str>,
    /// `kind`.
    pub kind: Option<&'a str>,
    /// Whether `metadata` is there (a block map).
    pub metadata: bool,
    /// `metadata.name`.
    pub name: Option<&'a str>,
    /// `metadata.namespace`.
    pub namespace: Option<&'a str>,
    /// `metadata.annotations` has `helm.sh/hook` (may be a line that only looks
    /// like that key: confirm by reading the document).
    pub hook: bool,
    /// `metadata.annotations` has `mcp-chart/transport` (likewise).
    pub transport: bool,
}

/// A line's text without its line break, and its indentation in spaces.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l))
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t']);
    t.is_empty() || t.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: rest` with a key written plainly (`[A-Za-z0-9_]` then also `.-/`) or
/// quoted without escapes; `rest` starts after the `:`. `None` when the line
/// is not such a key line.
fn key_line(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let first = *bytes.first()?;
    let (key, after) = match first {
        b'"' | b'\'' => {
            let close = line[1..].find(first as char)? + 1;
            let key = &line[1..close];
            if key.contains('\\') || (first == b'\'' && line[close + 1..].starts_with('\'')) {
                return None;
            }
            (key, &line[close + 1..])
        }
        b if b.is_ascii_alphanumeric() || b == b'_' => {
            let end = bytes
                .iter()
                .position(|&b| {
                    !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/'))
                })
                .unwrap_or(bytes.len());
            (&line[..end], &line[end..])
        }
        _ => return None,
    };
    let rest = after.strip_prefix(':')?;
    if rest.is_empty() || rest.starts_with([' ', '\t']) {
        Some((key, rest))
    } else {
        None
    }
}

/// What follows a key's `:` on its line.
enum Inline<'a> {
    /// Nothing (or a comment): the value is on the following lines.
    Nothing,
    /// A complete plain or quoted scalar without escapes.
    Scalar(&'a str),
    /// `{}`.
    EmptyMap,
    /// Anything else (anchors, tags, aliases, flow collections, block
    /// scalars, escapes, a quote left open).
    Other,
}

fn inline(rest: &str) -> Inline<'_> {
    let rest = rest.trim_matches([' ', '\t']);
    if rest.is_empty() || rest.starts_with('#') {
        return Inline::Nothing;
    }
    let first = rest.as_bytes()[0];
    let (value, tail) = match first {
        b'"' | b'\'' => {
            let Some(close) = rest[1..].find(first as char).map(|i| i + 1) else {
                return Inline::Other;
            };
            let value = &rest[1..close];
            let tail = &rest[close + 1..];
            if value.contains('\\') || tail.starts_with(first as char) {
                return Inline::Other;
            }
            (value, tail)
        }
        b'{' if rest == "{}" || rest.starts_with("{} #") || rest.starts_with("{}\t#") => {
            return Inline::EmptyMap
        }
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
        | b'|' | b'>' | b'%' | b'@' | b'`' => return Inline::Other,
        _ => {
            let end = rest.find(" #").or_else(|| rest.find("\t#"));
            let value = end
                .map_or(rest, |e| &rest[..e])
                .trim_end_matches([' ', '\t']);
            if value.contains(": ") || value.ends_with(':') || value.contains(":\t") {
                return Inline::Other;
            }
            (value, "")
        }
    };
    let tail = tail.trim_matches([' ', '\t']);
    if tail.is_empty() || tail.starts_with('#') {
        Inline::Scalar(value)
    } else {
        Inline::Other
    }
}

/// Which block map the scan is in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum In {
    Top,
    Metadata,
    Annotations,
}

/// Scans `text` (one piece of the stream, separator line included).
pub fn scan(text: &str) -> TopLevel<'_> {
    let mut out = TopLevel {
        sure: true,
        empty: true,
        ..TopLevel::default()
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut first = true;
    let mut place = In::Top;
    // Indentation of metadata's keys and of the annotations' keys, once seen.
    let mut meta_indent: Option<usize> = None;
    let mut ann_indent: Option<usize> = None;
    // Whether the last top-level key's value was on its line (then a more
    // indented line continues it: fine unless it was a fact we read).
    let mut fact_open = false;
    let mut seen = [false; 3];
    let mut meta_seen = [false; 3];
    let mut ended = false;
    fn give_up(mut out: TopLevel<'_>) -> TopLevel<'_> {
        out.sure = false;
        out.empty = false;
        out
    }
    for line in lines(text) {
        if std::mem::take(&mut first) && crate::postrender::split::is_separator(line) {
            continue;
        }
        // The bulk of a document: lines inside top-level values.
        if place == In::Top && !fact_open && !ended && !out.empty && line.starts_with(' ') {
            continue;
        }
        if is_blank_or_comment(line) {
            continue;
        }
        if ended {
            // More YAML after `...`: several documents in one piece.
            return give_up(out);
        }
        out.empty = false;
        let col0 = !line.starts_with([' ', '\t']);
        if !col0 {
            if line.starts_with('\t') || fact_open {
                return give_up(out);
            }
            let ind = indent(line);
            match place {
                In::Top => {}
                _ if line.as_bytes().get(ind) == Some(&b'\t') => {
                    // A tab right after the indentation: leave it to the reader.
                    return give_up(out);
                }
                In::Metadata | In::Annotations => {
                    let m = *meta_indent.get_or_insert(ind);
                    if ind < m {
                        return give_up(out);
                    }
                    if ind == m {
                        place = In::Metadata;
                        ann_indent = None;
                        if line[ind..].starts_with('-') {
                            continue;
                        }
                        let Some((key, rest)) = key_line(&line[ind..]) else {
                            return give_up(out);
                        };
                        let slot = match key {
                            "name" => Some(0),
                            "namespace" => Some(1),
                            "annotations" => Some(2),
                            _ => None,
                        };
                        let Some(slot) = slot else { continue };
                        if std::mem::replace(&mut meta_seen[slot], true) {
                            return give_up(out);
                        }
                        match (slot, inline(rest)) {
                            (0, Inline::Scalar(v)) => out.name = Some(v),
                            (1, Inline::Scalar(v)) => out.namespace = Some(v),
                            (2, Inline::Nothing) => place = In::Annotations,
                            (2, Inline::EmptyMap) => {}
                            _ => return give_up(out),
                        }
                    } else if place == In::Annotations {
                        let a = *ann_indent.get_or_insert(ind);
                        if ind < a {
                            return give_up(out);
                        }
                        if ind == a {
                            if line[ind..].starts_with('-') {
                                continue;
                            }
                            let Some((key, _)) = key_line(&line[ind..]) else {
                                return give_up(out);
                            };
                            match key {
                                "helm.sh/hook" => out.hook = true,
                                "mcp-chart/transport" => out.transport = true,
                                _ => {}
                            }
                        }
                    }
                }
            }
            continue;
        }
        // Column 0: a top-level key, an indentless sequence item, or `...`.
        place = In::Top;
        fact_open = false;
        if line.starts_with("...")
            && line[3..]
                .trim_start_matches([' ', '\t'])
                .chars()
                .next()
                .is_none_or(|c| c == '#')
        {
            ended = true;
            continue;
        }
        if line.starts_with('-') && (line.len() == 1 || line[1..].starts_with([' ', '\t'])) {
            // Items of an indentless sequence (or a sequence at the top
            // level: then no fact is found and the document is read).
            continue;
        }
        let Some((key, rest)) = key_line(line) else {
            if cannot_be_a_key(line) {
                // The end of a nested multi-line quoted scalar or flow
                // collection that go-yaml lets go on at column 0 (Helm 4
                // writes `'` there): no key, so nothing the scan reads.
                continue;
            }
            return give_up(out);
        };
        let slot = match key {
            "apiVersion" => Some(0),
            "kind" => Some(1),
            "metadata" => Some(2),
            "<<" => return give_up(out),
            _ => None,
        };
        let Some(slot) = slot else {
            // Some other key: its value may be anything, but a quote or a
            // flow collection left open on this line may go on at column 0.
            if opens_across_lines(rest) {
                return give_up(out);
            }
            continue;
        };
        if std::mem::replace(&mut seen[slot], true) {
            return give_up(out);
        }
        match (slot, inline(rest)) {
            (0, Inline::Scalar(v)) => {
                out.api_version = Some(v);
                fact_open = true;
            }
            (1, Inline::Scalar(v)) => {
                out.kind = Some(v);
                fact_open = true;
            }
            (2, Inline::Nothing) => {
                out.metadata = true;
                place = In::Metadata;
                meta_indent = None;
            }
            (2, Inline::EmptyMap) => out.metadata = true,
            _ => return give_up(out),
        }
    }
    if !out.empty && !seen.iter().any(|s| *s) {
        // A map without any fact we read, or not a map at all: read it.
        return give_up(out);
    }
    out
}

/// The `key: value` pairs of the block map at `spec.selector`, read the same
/// conservative way (`None` when the scan cannot tell). When `Some`, they are
/// the real selector, or the Service has none: each pair must be complete on
/// its line, so no line of the block continues a scalar, and a `selector:`
/// (or `spec:`) line that was itself inside a multi-line scalar means there is
/// no real one (a real one too would be a second such line: `None`).
pub fn spec_selector(text: &str) -> Option<Vec<(&str, &str)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut pairs = Vec::new();
    let (mut in_spec, mut spec_seen, mut in_selector, mut selector_seen) =
        (false, false, false, false);
    let (mut spec_indent, mut selector_indent): (Option<usize>, Option<usize>) = (None, None);
    let mut first = true;
    for line in lines(text) {
        if std::mem::take(&mut first) && crate::postrender::split::is_separator(line) {
            continue;
        }
        if is_blank_or_comment(line) {
            continue;
        }
        if line.starts_with('\t') {
            return None;
        }
        if !line.starts_with(' ') {
            in_spec = false;
            in_selector = false;
            match key_line(line) {
                Some(("spec", rest)) => {
                    if std::mem::replace(&mut spec_seen, true) {
                        return None;
                    }
                    match inline(rest) {
                        Inline::Nothing => in_spec = true,
                        Inline::EmptyMap => {}
                        _ => return None,
                    }
                }
                Some(("<<", _)) => return None,
                Some(_) => {}
                None if line.starts_with("...") => return None,
                None if line.starts_with('-') || cannot_be_a_key(line) => {}
                None => return None,
            }
            continue;
        }
        if !in_spec {
            continue;
        }
        let ind = indent(line);
        if line.as_bytes().get(ind) == Some(&b'\t') {
            return None;
        }
        let c = *spec_indent.get_or_insert(ind);
        if ind < c {
            return None;
        }
        if ind == c {
            in_selector = false;
            if line[ind..].starts_with('-') {
                continue;
            }
            match key_line(&line[ind..]) {
                Some(("selector", rest)) => {
                    if std::mem::replace(&mut selector_seen, true) {
                        return None;
                    }
                    match inline(rest) {
                        Inline::Nothing => in_selector = true,
                        Inline::EmptyMap => {}
                        _ => return None,
                    }
                }
                Some(("<<", _)) | None => return None,
                Some(_) => {}
            }
            continue;
        }
        if !in_selector {
            continue;
        }
        let s = *selector_indent.get_or_insert(ind);
        if ind != s {
            return None;
        }
        match key_line(&line[ind..]) {
            Some(("<<", _)) | None => return None,
            Some((key, rest)) => match inline(rest) {
                Inline::Scalar(value) => pairs.push((key, value)),
                _ => return None,
            },
        }
    }
    Some(pairs)
}

/// Whether `text` has a word (a run of `[A-Za-z0-9._-]`) in `words`, or a
/// backslash (an escape could spell any word): a cheap test that a document
/// cannot name any of `words`, such as an Ingress none of whose backends can
/// be one of the workload's Services.
pub fn may_name(text: &str, words: &std::collections::HashSet<&str>) -> bool {
    if words.is_empty() {
        return false;
    }
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .any(|w| !w.is_empty() && words.contains(w))
        || text.contains('\\')
}

/// Whether a line at column 0 cannot hold a mapping key in any reading: no
/// `:` that could end a key (followed by a blank or the line's end, or right
/// after a quote), and no indicator that could start a complex key, a flow
/// map, an anchor, alias or tag, or a directive.
fn cannot_be_a_key(line: &str) -> bool {
    let bytes = line.as_bytes();
    if matches!(
        bytes.first(),
        Some(b'?' | b'&' | b'*' | b'!' | b'{' | b'[' | b'%' | b'@' | b'`' | b'|' | b'>' | b'<')
    ) {
        return false;
    }
    !bytes.iter().enumerate().any(|(i, &b)| {
        b == b':'
            && (matches!(bytes.get(i + 1), None | Some(b' ' | b'\t'))
                || (i > 0 && matches!(bytes[i - 1], b'"' | b'\'')))
    })
}

/// Whether a value starting on a key's line may go on past it in a way a
/// line at column 0 can belong to: an unclosed quote or flow collection.
fn opens_across_lines(rest: &str) -> bool {
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = skip_properties(rest);
    match rest.as_bytes().first() {
        Some(b'"') => !closes_double(&rest[1..]),
        Some(b'\'') => !closes_single(&rest[1..]),
        Some(b'[' | b'{') => !flow_closes(rest),
        _ => false,
    }
}

/// Skips anchors and tags before a value (`&a !!str "x"`).
fn skip_properties(mut rest: &str) -> &str {
    while rest.starts_with(['&', '!']) {
        let end = rest.find([' ', '\t']).unwrap_or(rest.len());
        rest = rest[end..].trim_start_matches([' ', '\t']);
    }
    rest
}

fn closes_double(s: &str) -> bool {
    let mut escaped = false;
    for b in s.bytes() {
        match (escaped, b) {
            (true, _) => escaped = false,
            (false, b'\\') => escaped = true,
            (false, b'"') => return true,
            _ => {}
        }
    }
    false
}

fn closes_single(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return true;
        }
        i += 1;
    }
    false
}

/// Whether a flow collection opened on this line closes on it (quotes inside
/// are followed; a `#` after a space outside quotes ends the line).
fn flow_closes(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return true;
                }
            }
            b'"' => match s[i + 1..].find('"').map(|_| ()).and_then(|()| {
                let tail = &s[i + 1..];
                let mut esc = false;
                tail.bytes().position(|b| match (esc, b) {
                    (true, _) => {
                        esc = false;
                        false
                    }
                    (false, b'\\') => {
                        esc = true;
                        false
                    }
                    (false, b) => b == b'"',
                })
            }) {
                Some(p) => i += p + 1,
                None => return false,
            },
            b'\'' if i > 0 && matches!(bytes[i - 1], b'[' | b'{' | b',' | b' ' | b':') => {
                match s[i + 1..].find('\'') {
                    Some(p) => i += p + 1,
                    None => return false,
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t') => return false,
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_helm_output_is_read_exactly() {
        let text = "---\n# Source: x/templates/d.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"demo\"\n  namespace: ns # here\n  labels:\n    app: x\n  annotations:\n    helm.sh/hook: pre-install\n    'mcp-chart/transport': '{}'\nspec:\n  x: [a,\n  b]\n";
        let s = scan(text);
        assert!(s.sure, "{s:?}");
        assert_eq!(s.api_version, Some("apps/v1"));
        assert_eq!(s.kind, Some("Deployment"));
        assert_eq!(s.name, Some("demo"));
        assert_eq!(s.namespace, Some("ns"));
        assert!(s.hook && s.transport && s.metadata);
    }

    #[test]
    fn empty_pieces() {
        for text in ["---\n", "---\n# c\n\n", "", "--- # x\r\n\r\n"] {
            let s = scan(text);
            assert!(s.sure && s.empty, "{text:?}");
        }
        // Indented content is content.
        let s = scan("---\n  kind: A\n");
        assert!(!s.empty && !s.sure);
    }

    #[test]
    fn gives_up_on_what_it_cannot_read_cheaply() {
        for text in [
            "{kind: A}\n",
            "kind: &k A\n",
            "kind: !!str A\n",
            "kind: A\nkind: B\n",
            "kind: Deploy\n  ment\n",
            "metadata: {name: a}\nkind: A\n",
            "metadata:\n  name: a\n  name: b\nkind: A\n",
            "kind: A\nmetadata:\n  annotations:\n    \"a\\x2fb\": c\n",
            "kind: A\nmetadata:\n  annotations: {a: b}\n",
            "kind: A\nmetadata:\n  <<: *m\n",
            "kind: A\nx: [a,\n]\n",
            "kind: A\nx: 'a\nb'\n",
            "kind: A\nx: \"a\nb\"\n",
            "kind: A\ns:\n  d: 'x\n\"kind\": B'\n",
            "kind: A\ns:\n  d: 'x\n? kind\n",
            "kind: A\ns:\n  d: 'x\nkind : B'\n",
            "kind: A\n...\nkind: B\n",
            "- a\n",
            "plain\n",
            "kind: A\n\tmetadata: x\n",
            "kind: \"a\\tb\"\n",
            "%YAML 1.1\n---\nkind: A\n",
        ] {
            assert!(!scan(text).sure, "{text:?}");
        }
    }

    #[test]
    fn service_selectors() {
        let svc = "---\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  selector:\n    app: \"x\"\n    tier: web # c\n  type: ClusterIP\n";
        assert_eq!(
            spec_selector(svc),
            Some(vec![("app", "x"), ("tier", "web")])
        );
        assert_eq!(spec_selector("kind: Service\n"), Some(vec![]));
        for odd in [
            "spec:\n  selector: {app: x}\n",
            "spec:\n  selector:\n    app: &a x\n",
            "spec:\n  selector:\n    app: x\n      y\n",
            "spec:\n  selector:\n    <<: *s\n",
            "spec:\n  selector:\n    a: x\n  selector:\n    b: y\n",
            "spec: &s\n",
        ] {
            assert_eq!(spec_selector(odd), None, "{odd:?}");
        }
        let words: std::collections::HashSet<&str> = ["mcp-svc"].into();
        assert!(may_name(
            "backend:\n  service:\n    name: \"mcp-svc\"\n",
            &words
        ));
        assert!(!may_name("name: mcp-svc-2\n", &words));
        assert!(may_name("name: \"mcp\\x2dsvc\"\n", &words));
    }

    #[test]
    fn column_0_ends_of_nested_scalars_are_not_keys() {
        // Helm 4's re-serialised CRD descriptions.
        let text = "apiVersion: v1\nkind: CustomResourceDefinition\nmetadata:\n  name: c\nspec:\n  d: 'long\n\n    It''s long.\n\n'\n  e: \"a\nb\"\n  f: [a,\n]\n";
        let s = scan(text);
        assert!(s.sure, "{s:?}");
        assert_eq!(
            (s.kind, s.name),
            (Some("CustomResourceDefinition"), Some("c"))
        );
        // A real key after them is still seen (here: twice, so give up).
        assert!(!scan(&format!("{text}kind: Service\n")).sure);
    }

    #[test]
    fn odd_forms_in_values_it_does_not_read_are_fine() {
        let text = "kind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    x: 'multi\n      line'\ndata:\n  cmd: [ \"a\",\n    \"b\" ]\n  s: 'it''s\n    x'\n  t: \"a\tb\n  \tc\"\nlist:\n- a\n- b\n...\n# end\n";
        let s = scan(text);
        assert!(s.sure, "{s:?}");
        assert_eq!(s.kind, Some("ConfigMap"));
        assert_eq!(s.name, Some("a"));
        assert_eq!(scan("kind:\tA\n").kind, Some("A"));
    }
}
