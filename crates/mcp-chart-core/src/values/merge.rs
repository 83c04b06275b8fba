//! Helm's merge order: the user values are the `-f` files merged in order,
//! then the `--set` family applied by flag (`--set-json`, `--set`,
//! `--set-string`, `--set-file`, `--set-literal`); then they are coalesced
//! over the chart defaults: a user `null` deletes a key the defaults have
//! (and stays a `null` where they do not), maps merge, everything else replaces.

use std::collections::HashMap;

use super::strvals::{self, SetArg};
use super::tree::{Reader, VKind, VNode};
use super::{
    HelmVersion, MergeOptions, MergedValues, Origin, SourcedHazard, ValuesError, ValuesSource,
    CHART_DEFAULTS,
};
use crate::yaml::{load_helm_values, NodeKind, Span};

pub(crate) fn merge(
    files: &[ValuesSource<'_>],
    sets: &[SetArg],
    options: &MergeOptions<'_>,
) -> Result<MergedValues, ValuesError> {
    let defaults_source = options.defaults.unwrap_or(ValuesSource {
        name: CHART_DEFAULTS,
        text: crate::embedded::VALUES_YAML,
    });
    let mut sources = vec![defaults_source.name.to_string()];
    let mut texts = vec![defaults_source.text.to_string()];
    let mut hazards = Vec::new();

    let mut defaults = read_map(
        defaults_source,
        0,
        options,
        Reader::ChartDefaults(options.helm),
        &mut Vec::new(),
    )?;
    if options.helm == HelmVersion::V4 {
        defaults.strip_map_nulls();
    }
    let mut user = VNode::map(root_origin(0));
    for file in files {
        let source = sources.len();
        sources.push(file.name.to_string());
        texts.push(file.text.to_string());
        let mut found = Vec::new();
        let tree = read_map(*file, source, options, Reader::UserFile, &mut found)?;
        hazards.extend(
            found
                .into_iter()
                .map(|hazard| SourcedHazard { source, hazard }),
        );
        merge_maps(&mut user, tree);
    }
    let first_set = sources.len();
    for set in sets {
        sources.push(set.source_name());
        texts.push(set.text.clone());
    }
    // Helm applies the flags by kind, whatever their order on the command line.
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.sort_by_key(|&i| sets[i].kind);
    let mut elements_left = strvals::MAX_SET_LIST_ELEMENTS;
    for i in order {
        strvals::apply(
            &mut user,
            &sets[i],
            first_set + i,
            options.helm,
            &mut elements_left,
        )?;
    }
    coalesce(&mut defaults, user);
    let mut origins = HashMap::new();
    defaults.collect_origins(&mut String::new(), &mut origins);
    Ok(MergedValues {
        json: defaults.to_json(),
        sources,
        hazards,
        texts,
        origins,
        tree: defaults,
    })
}

fn root_origin(source: usize) -> Origin {
    Origin {
        source,
        key: None,
        value: Span::default(),
    }
}

/// Reads a values file as Helm does: a map (or nothing). Helm 3 reads the
/// first document; Helm 4 merges every document.
fn read_map(
    file: ValuesSource<'_>,
    source: usize,
    options: &MergeOptions<'_>,
    reader: Reader,
    hazards: &mut Vec<crate::yaml::Hazard>,
) -> Result<VNode, ValuesError> {
    let limits = options.limits.unwrap_or_default();
    let yaml_error = |error| ValuesError::Yaml {
        source_name: file.name.to_string(),
        error,
    };
    let loaded = load_helm_values(file.text, &limits, options.helm == HelmVersion::V4)
        .map_err(yaml_error)?;
    hazards.extend(loaded.hazards);
    let mut out = VNode::map(root_origin(source));
    for doc in loaded.documents {
        match doc.kind {
            NodeKind::Null => {}
            NodeKind::Map(_) => merge_maps(&mut out, VNode::from_yaml(&doc, source, None, reader)),
            _ => {
                return Err(ValuesError::NotAMap {
                    source_name: file.name.to_string(),
                    location: doc.span.start,
                    found: doc.type_name(),
                })
            }
        }
    }
    Ok(out)
}

/// Helm's `mergeMaps`: `top` over `base`; maps merge, anything else replaces
/// (nulls are kept here: they delete defaults later).
pub(crate) fn merge_maps(base: &mut VNode, top: VNode) {
    match (&mut base.kind, top.kind) {
        (VKind::Map(base_map), VKind::Map(top_map)) => {
            for (key, value) in top_map {
                match base_map.get_mut(&key) {
                    Some(existing) if existing.is_map() && value.is_map() => {
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

/// Helm's coalescing of user values over chart defaults (maps on both sides).
fn coalesce(defaults: &mut VNode, user: VNode) {
    let (VKind::Map(dst), VKind::Map(src)) = (&mut defaults.kind, user.kind) else {
        return;
    };
    for (key, value) in src {
        match dst.get_mut(&key) {
            Some(_) if value.is_null() => {
                dst.shift_remove(&key);
            }
            Some(existing) if existing.is_map() && value.is_map() => {
                coalesce(existing, value);
            }
            _ => {
                dst.insert(key, value);
            }
        }
    }
}
