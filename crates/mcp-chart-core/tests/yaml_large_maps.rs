//! Regression tests for the YAML loader on maps with very many keys (DESIGN
//! §11: bounded time on hostile input). Duplicate keys used to be found by
//! searching the map's entries for every new key, so a values file with
//! 100,000 keys under one map took minutes; maps are indexed past 32 keys now.

use std::time::{Duration, Instant};

use mcp_chart_core::yaml::{load_documents, HazardKind, Limits, NodeKind};

fn map_len(text: &str) -> (usize, Vec<HazardKind>) {
    let loaded = load_documents(text, &Limits::default()).expect("loads");
    let NodeKind::Map(entries) = &loaded.documents[0].kind else {
        panic!("not a map");
    };
    let NodeKind::Map(inner) = &entries[0].value.kind else {
        panic!("not a map");
    };
    (
        inner.len(),
        loaded.hazards.into_iter().map(|h| h.kind).collect(),
    )
}

#[test]
fn a_map_with_100k_keys_loads_in_linear_time() {
    let mut text = String::from("podAnnotations:\n");
    for i in 0..100_000 {
        text.push_str(&format!("  k{i}: v\n"));
    }
    let start = Instant::now();
    let (len, hazards) = map_len(&text);
    assert_eq!(len, 100_000);
    assert!(hazards.is_empty());
    // Quadratic search took minutes here; linear takes well under a second
    // even in a debug build on a loaded machine.
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn duplicates_are_found_before_and_after_the_map_is_indexed() {
    let mut text = String::from("m:\n  first: 1\n");
    for i in 0..100 {
        text.push_str(&format!("  k{i}: {i}\n"));
    }
    // A duplicate of a key written before indexing, one of a key written
    // after, and the last value wins in place.
    text.push_str("  first: 2\n  k90: last\n");
    let loaded = load_documents(&text, &Limits::default()).expect("loads");
    let dups: Vec<String> = loaded
        .hazards
        .iter()
        .filter_map(|h| match &h.kind {
            HazardKind::DuplicateKey { key, .. } => Some(key.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(dups, ["first", "k90"]);
    let m = loaded.documents[0].get("m").expect("m");
    let NodeKind::Map(entries) = &m.kind else {
        panic!("map")
    };
    assert_eq!(entries.len(), 101);
    assert_eq!(entries[0].key, "first");
    assert_eq!(
        m.get("first").map(|n| n.kind.clone()),
        Some(NodeKind::Int(2))
    );
    assert_eq!(
        m.get("k90").map(|n| n.kind.clone()),
        Some(NodeKind::Str("last".into()))
    );
}

#[test]
fn merge_keys_into_large_maps_keep_yaml_precedence() {
    let mut base = String::from("base: &b\n");
    for i in 0..50 {
        base.push_str(&format!("  k{i}: base\n"));
    }
    let mut text = base;
    text.push_str("m:\n  <<: *b\n");
    for i in 25..75 {
        text.push_str(&format!("  k{i}: own\n"));
    }
    let loaded = load_documents(&text, &Limits::default()).expect("loads");
    let m = loaded.documents[0].get("m").expect("m");
    let NodeKind::Map(entries) = &m.kind else {
        panic!("map")
    };
    assert_eq!(entries.len(), 75);
    assert_eq!(m.get("k0").and_then(|n| n.as_str()), Some("base"));
    assert_eq!(m.get("k30").and_then(|n| n.as_str()), Some("own"));
    assert_eq!(m.get("k74").and_then(|n| n.as_str()), Some("own"));
}
