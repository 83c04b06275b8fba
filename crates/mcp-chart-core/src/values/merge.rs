//! Helm's merge order: user values = `-f` files merged in order, then `--set`
//! applied; then the user values are coalesced over the chart defaults, where a
//! null deletes a default, maps merge and everything else replaces.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::strvals::{self, SetArg};
use super::tree::{VKind, VNode};
use super::{MergedValues, Origin, SourcedHazard, ValuesError, ValuesSource, CHART_DEFAULTS};
use crate::yaml::{load_first_document, Limits, NodeKind, Span};

fn chart_defaults_text() -> &'static str {
    crate::embedded::VALUES_YAML
}

pub(crate) fn merge(
    files: &[ValuesSource<'_>],
    sets: &[SetArg],
) -> Result<MergedValues, ValuesError> {
    let mut sources = vec![CHART_DEFAULTS.to_string()];
    let mut texts = vec![chart_defaults_text().to_string()];
    let mut hazards = Vec::new();

    let defaults = read_map(CHART_DEFAULTS, chart_defaults_text(), 0, &mut Vec::new())?;
    let mut user = empty_map(0);
    for file in files {
        let source = sources.len();
        sources.push(file.name.to_string());
        texts.push(file.text.to_string());
        let mut found = Vec::new();
        let tree = read_map(file.name, file.text, source, &mut found)?;
        hazards.extend(
            found
                .into_iter()
                .map(|hazard| SourcedHazard { source, hazard }),
        );
        merge_maps(&mut user, tree);
    }
    for set in sets {
        let source = sources.len();
        sources.push(set.source_name());
        texts.push(set.text.clone());
        strvals::apply(&mut user, set, source)?;
    }
    let mut merged = defaults;
    coalesce(&mut merged, user);
    let mut origins = HashMap::new();
    merged.collect_origins(&mut String::new(), &mut origins);
    Ok(MergedValues {
        json: merged.to_json(),
        sources,
        hazards,
        texts,
        origins,
    })
}

fn empty_map(source: usize) -> VNode {
    VNode {
        kind: VKind::Map(IndexMap::new()),
        origin: Origin {
            source,
            key: None,
            value: Span::default(),
        },
    }
}

/// Reads a values file: its first document, which must be a map (or nothing).
fn read_map(
    name: &str,
    text: &str,
    source: usize,
    hazards: &mut Vec<crate::yaml::Hazard>,
) -> Result<VNode, ValuesError> {
    let (doc, found) =
        load_first_document(text, &Limits::default()).map_err(|error| ValuesError::Yaml {
            source_name: name.to_string(),
            error,
        })?;
    hazards.extend(found);
    let Some(doc) = doc else {
        return Ok(empty_map(source));
    };
    match doc.kind {
        NodeKind::Null => Ok(empty_map(source)),
        NodeKind::Map(_) => Ok(VNode::from_yaml(&doc, source, None)),
        _ => Err(ValuesError::NotAMap {
            source_name: name.to_string(),
            location: doc.span.start,
            found: doc.type_name(),
        }),
    }
}

/// Helm's `mergeMaps`: `top` over `base`; maps merge, anything else replaces
/// (nulls are kept here: they delete defaults later).
pub(crate) fn merge_maps(base: &mut VNode, top: VNode) {
    match (&mut base.kind, top.kind) {
        (VKind::Map(base_map), VKind::Map(top_map)) => {
            for (key, value) in top_map {
                match base_map.get_mut(&key) {
                    Some(existing)
                        if matches!(existing.kind, VKind::Map(_))
                            && matches!(value.kind, VKind::Map(_)) =>
                    {
                        merge_maps(existing, value);
                    }
                    _ => {
                        base_map.insert(key, value);
                    }
                }
            }
        }
        (_, kind) => {
            base.kind = kind;
            base.origin = top.origin;
        }
    }
}

/// Helm's coalescing of user values over chart defaults.
fn coalesce(defaults: &mut VNode, user: VNode) {
    let (VKind::Map(dst), VKind::Map(src)) = (&mut defaults.kind, user.kind) else {
        return;
    };
    for (key, mut value) in src {
        if value.is_null() {
            dst.shift_remove(&key);
            continue;
        }
        match dst.get_mut(&key) {
            Some(existing)
                if matches!(existing.kind, VKind::Map(_))
                    && matches!(value.kind, VKind::Map(_)) =>
            {
                coalesce(existing, value);
            }
            _ => {
                value.strip_nulls();
                dst.insert(key, value);
            }
        }
    }
}
