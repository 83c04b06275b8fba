//! Shared checks of the post-render contract.

#![allow(dead_code)]

use mcp_chart_core::postrender::split::{prefix_len, split};
use mcp_chart_core::postrender::{post_render, PostRenderOptions, PostRendered};

/// Whether an output piece is a ConfigMap the post-renderer added.
fn is_added_config_map(text: &str) -> bool {
    text.contains("kind: ConfigMap") && text.contains("-mcp-servers") && text.contains("mcpServers")
}

/// Checks that `result` keeps every input document in order, byte for byte
/// unless reported as changed (and then with its separator and leading
/// comments), adds only the servers ConfigMaps, and is idempotent.
pub fn check_contract(input: &str, options: &PostRenderOptions, result: &PostRendered) {
    let ins = split(input);
    let outs = split(&result.output);
    assert_eq!(
        outs.len(),
        result.summary.documents_out,
        "documents written do not match the summary"
    );
    assert_eq!(ins.len(), result.summary.documents, "documents read");
    let changed: std::collections::HashSet<usize> =
        result.summary.changed.iter().map(|d| d - 1).collect();
    let mut j = 0;
    for (i, piece) in ins.iter().enumerate() {
        let out = outs
            .get(j)
            .unwrap_or_else(|| panic!("input document {} is missing from the output", i + 1));
        if changed.contains(&i) {
            let prefix = &piece.text[..prefix_len(piece.text)];
            assert!(
                out.text
                    .trim_start_matches('\u{feff}')
                    .starts_with(prefix.trim_start_matches('\u{feff}')),
                "changed document {} lost its separator or comments",
                i + 1
            );
        } else {
            assert_eq!(
                out.text,
                piece.text,
                "untouched document {} is not byte-identical",
                i + 1
            );
        }
        j += 1;
        while j < outs.len()
            && is_added_config_map(outs[j].text)
            && ins.get(i + 1).is_none_or(|next| next.text != outs[j].text)
        {
            j += 1;
        }
    }
    assert_eq!(
        j,
        outs.len(),
        "the output has documents the input does not explain"
    );
    if changed.is_empty() {
        assert_eq!(
            result.output, input,
            "nothing changed, so the output is the input"
        );
    }
    let again = post_render(&result.output, options).expect("the output post-renders again");
    assert_eq!(
        again.output, result.output,
        "a second run changed the output"
    );
    assert!(
        again.summary.changed.is_empty(),
        "a second run reported changes"
    );
}
