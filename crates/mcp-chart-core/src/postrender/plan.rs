//! What to change: which workloads get their transport settings from where,
//! which container becomes the gateway, which Services, Ingresses and
//! HTTPRoutes belong to those workloads, and the new text of each.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::model::{Transport, TransportType};
use crate::yaml::NodeKind;

use super::classify::{is_workload_kind, Document, Shape, TRANSPORT_ANNOTATION};
use super::error::{PostRenderError, Problem, StreamPlace};
use super::gateway::{self, GATEWAY_CONTAINER, PORT_NAME};
use super::scan;
use super::source::{self, ValuesOrigin};
use super::summary::{
    GatewaySummary, HttpRouteSummary, InjectionSummary, ServiceSummary, WorkloadSummary,
};
use super::timeouts::{httproute, ingress, TimeoutSettings};
use super::PostRenderOptions;

/// The changes to make to a stream.
#[derive(Debug, Default)]
pub struct Plan {
    /// New text of changed documents (separator and leading comments kept),
    /// by 0-based index.
    pub replacements: BTreeMap<usize, String>,
    /// Documents to add after a document, as text (`---` line first).
    pub insertions: BTreeMap<usize, Vec<String>>,
    /// What was done.
    pub summary: InjectionSummary,
}

struct Target {
    doc: usize,
    transport: Transport,
    origin: ValuesOrigin,
}

/// A workload chosen for changing. Settings from an annotation are read when
/// the target's turn comes, so that a stream of thousands of releases never
/// holds all their settings at once.
enum Selected {
    /// Settings from `--values`/`--set`, already read.
    Values(Box<Target>),
    /// Settings from this workload's annotation.
    Annotated(usize),
}

impl Selected {
    fn read(self, docs: &[Document<'_>]) -> Result<Target, PostRenderError> {
        match self {
            Selected::Values(target) => Ok(*target),
            Selected::Annotated(index) => {
                let doc = &docs[index];
                let node = doc.facts()?.transport.as_ref().ok_or_else(|| {
                    PostRenderError::at(
                        doc.start_place(),
                        Problem::Selection {
                            message: "the workload has no transport annotation".into(),
                        },
                    )
                })?;
                Ok(Target {
                    doc: index,
                    transport: source::from_annotation(doc, node)?,
                    origin: ValuesOrigin::Annotation,
                })
            }
        }
    }
}

/// Working copies of documents being changed. Each target's changes are
/// written out as text when it is done ([`Work::flush`]), so that a stream of
/// thousands of releases never holds thousands of trees; a document a later
/// target changes again is read back from that text.
struct Work<'d, 'a> {
    docs: &'d [Document<'a>],
    values: HashMap<usize, Value>,
    changed: HashSet<usize>,
    /// Documents read by an earlier target.
    visited: HashSet<usize>,
    /// Documents several targets change (an Ingress or HTTPRoute many
    /// workloads share): kept as working copies until the end, so each is
    /// read and written once, not once per target.
    pinned: HashSet<usize>,
    /// New text of the documents changed so far.
    rendered: BTreeMap<usize, String>,
    /// (name, namespace as JSON) of the ConfigMaps generated so far.
    config_maps_added: HashSet<(String, Option<String>)>,
}

impl Work<'_, '_> {
    fn value(&mut self, index: usize) -> Option<&mut Value> {
        if !self.values.contains_key(&index) {
            let doc = self.docs.get(index)?;
            if doc.shape != super::classify::Shape::Object {
                return None;
            }
            let node = match self.rendered.get(&index) {
                Some(text) => reparse(text)?,
                None => doc.tree()?,
            };
            if !self.visited.insert(index) {
                self.pinned.insert(index);
            }
            self.values.insert(index, node.to_json());
        }
        self.values.get_mut(&index)
    }

    /// Writes the changed documents out as text and forgets the working
    /// copies (all of them when `last`, else all but the pinned ones).
    fn flush(&mut self, last: bool) {
        let keep = |index: &usize| !last && self.pinned.contains(index);
        let mut kept = HashSet::new();
        for index in std::mem::take(&mut self.changed) {
            if keep(&index) {
                kept.insert(index);
                continue;
            }
            if let (Some(value), Some(doc)) = (self.values.remove(&index), self.docs.get(index)) {
                self.rendered
                    .insert(index, super::render_document(doc.piece.text, &value));
            }
        }
        self.changed = kept;
        if last {
            self.values.clear();
        } else {
            let pinned = &self.pinned;
            self.values.retain(|index, _| pinned.contains(index));
        }
    }
}

/// Reads back a document the post-renderer wrote.
fn reparse(text: &str) -> Option<crate::yaml::Node> {
    super::classify::count_read(text);
    let limits = crate::yaml::Limits {
        max_bytes: usize::MAX,
        max_depth: super::classify::MAX_DEPTH,
        max_alias_nodes: super::classify::MAX_ALIAS_NODES_PER_DOCUMENT,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::yaml::load_documents(text, &limits)
        .ok()?
        .documents
        .into_iter()
        .find(|d| d.kind != NodeKind::Null)
}

/// Lookups built once per stream, so that each target only visits the
/// Services, Ingresses, HTTPRoutes and ConfigMaps that can concern it (a stream
/// with thousands of releases would otherwise cost targets × documents).
/// Built only when there is a target: only then are Services, Ingresses and
/// HTTPRoutes read.
#[derive(Default)]
struct Index<'d> {
    /// Services by one `(key, value)` pair of their selector (the smallest).
    services: HashMap<(&'d str, &'d str), Vec<usize>>,
    /// Ingresses by the name of each Service they send traffic to.
    ingresses: HashMap<&'d str, Vec<usize>>,
    /// HTTPRoutes and their rules (0-based) by the name of each Service the
    /// rule sends traffic to.
    routes: HashMap<&'d str, Vec<(usize, usize)>>,
    /// ConfigMaps by name: (document, namespace, where inside the document
    /// for one inside a List or a piece of several documents).
    config_maps: HashMap<&'d str, Vec<ConfigMapAt<'d>>>,
    /// Documents the reader refused that may be a Service, Ingress,
    /// HTTPRoute or ConfigMap (kind unknown or one of those, or a List).
    unreadable: Vec<usize>,
    /// Whether the stream has any Ingress or HTTPRoute.
    has_routes: bool,
    /// The stream's IngressClasses (custom class names → controllers).
    ingress_classes: ingress::IngressClasses,
}

struct ConfigMapAt<'d> {
    doc: usize,
    namespace: Option<&'d str>,
    inner: Option<crate::location::Location>,
}

impl<'d> Index<'d> {
    /// Indexes what may concern the workloads `targets`: Services whose
    /// selector may pick their pods (a scan of `spec.selector` tells most
    /// others apart without reading them), and Ingresses and HTTPRoutes whose
    /// text names one of those Services.
    fn new(docs: &'d [Document<'_>], targets: &[usize]) -> Self {
        let mut index = Index {
            ingress_classes: ingress::IngressClasses::from_docs(docs),
            ..Index::default()
        };
        let mut pod_labels: HashSet<(&str, &str)> = HashSet::new();
        for &t in targets {
            if let Ok(facts) = docs[t].facts() {
                pod_labels.extend(
                    facts
                        .pod_labels
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                );
            }
        }
        // Services that may select a target's pods: their names.
        let mut services: HashSet<&str> = HashSet::new();
        for doc in docs.iter().filter(|d| d.shape == Shape::Object) {
            if doc.kind.as_deref() != Some("Service") {
                continue;
            }
            let may_select = match scan::spec_selector(doc.piece.text) {
                Some(pairs) => selector_may_match(&pairs, &pod_labels),
                None => true,
            };
            if !may_select || doc.is_hook() {
                continue;
            }
            let Ok(facts) = doc.facts() else {
                index.unreadable.push(doc.index);
                continue;
            };
            let selects_some = !facts.selector.is_empty()
                && facts
                    .selector
                    .iter()
                    .all(|(k, v)| pod_labels.contains(&(k.as_str(), v.as_str())));
            if !selects_some {
                continue;
            }
            if let Some(name) = doc.name.as_deref() {
                services.insert(name);
            }
            if let Some((k, v)) = facts.selector.iter().min() {
                index
                    .services
                    .entry((k.as_str(), v.as_str()))
                    .or_default()
                    .push(doc.index);
            }
        }
        for doc in docs {
            if doc.shape == Shape::Unreadable {
                let kind = doc.kind.as_deref();
                let text = doc.piece.text;
                // What its text rules out, as for readable ones below.
                let may_select = || {
                    scan::spec_selector(text)
                        .is_none_or(|pairs| selector_may_match(&pairs, &pod_labels))
                };
                let may_route = || scan::may_name(text, &services);
                let maybe_ours = match kind {
                    None => may_select() || may_route(),
                    Some("Service") => may_select(),
                    Some("Ingress" | "HTTPRoute") => may_route(),
                    Some(k) => k == "ConfigMap" || k.ends_with("List"),
                };
                if maybe_ours {
                    index.unreadable.push(doc.index);
                }
                continue;
            }
            for inner in &doc.inner {
                if let (Some("ConfigMap"), Some(name)) = (inner.kind.as_deref(), &inner.name) {
                    let at = ConfigMapAt {
                        doc: doc.index,
                        namespace: inner.namespace.as_deref(),
                        inner: Some(inner.location),
                    };
                    index.config_maps.entry(name).or_default().push(at);
                }
            }
            if doc.shape != Shape::Object {
                continue;
            }
            match doc.kind.as_deref() {
                Some("ConfigMap") => {
                    if let Some(name) = doc.name.as_deref() {
                        let at = ConfigMapAt {
                            doc: doc.index,
                            namespace: doc.namespace.as_deref(),
                            inner: None,
                        };
                        index.config_maps.entry(name).or_default().push(at);
                    }
                }
                Some("Ingress" | "HTTPRoute") => {
                    if doc.is_hook() {
                        continue;
                    }
                    index.has_routes = true;
                    // Only one that names one of those Services can route to them.
                    if !scan::may_name(doc.piece.text, &services) {
                        continue;
                    }
                    let Ok(facts) = doc.facts() else {
                        index.unreadable.push(doc.index);
                        continue;
                    };
                    match doc.kind.as_deref() {
                        Some("Ingress") => {
                            index.has_routes = true;
                            for name in &facts.backends {
                                let list = index.ingresses.entry(name.as_str()).or_default();
                                if list.last() != Some(&doc.index) {
                                    list.push(doc.index);
                                }
                            }
                        }
                        _ => {
                            index.has_routes = true;
                            for (name, &rule) in facts.backends.iter().zip(&facts.backend_rules) {
                                let list = index.routes.entry(name.as_str()).or_default();
                                if list.last() != Some(&(doc.index, rule)) {
                                    list.push((doc.index, rule));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        index
    }

    /// Services whose selector may match `labels`, in stream order.
    fn services_for(&self, labels: &Map<String, Value>) -> Vec<usize> {
        let mut out: Vec<usize> = labels
            .iter()
            .filter_map(|(k, v)| self.services.get(&(k.as_str(), v.as_str()?)))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Ingresses sending traffic to any of `names`, in stream order.
    fn ingresses_for(&self, names: &HashSet<String>) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .iter()
            .filter_map(|n| self.ingresses.get(n.as_str()))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// HTTPRoutes with the rules (0-based, sorted) sending traffic to any of
    /// `names`, in stream order.
    fn routes_for(&self, names: &HashSet<String>) -> BTreeMap<usize, Vec<usize>> {
        let mut out: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &(doc, rule) in names
            .iter()
            .filter_map(|n| self.routes.get(n.as_str()))
            .flatten()
        {
            out.entry(doc).or_default().push(rule);
        }
        for rules in out.values_mut() {
            rules.sort_unstable();
            rules.dedup();
        }
        out
    }
}

/// Whether a selector the scan read ([`scan::spec_selector`]) may pick pods
/// carrying `labels`: it is the Service's real selector, or the Service has
/// none (the `selector:` line was inside a multi-line scalar) and selects
/// nothing, so every pair must be a label.
fn selector_may_match(pairs: &[(&str, &str)], labels: &HashSet<(&str, &str)>) -> bool {
    !pairs.is_empty() && pairs.iter().all(|pair| labels.contains(pair))
}

/// At most this many candidates are named in an error.
const MAX_CANDIDATES: usize = 10;

fn candidates(docs: &[&Document<'_>]) -> String {
    let mut text = docs
        .iter()
        .take(MAX_CANDIDATES)
        .map(|d| {
            format!(
                "{} (document {})",
                d.object().unwrap_or_else(|| "?".into()),
                d.number
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    if docs.len() > MAX_CANDIDATES {
        text.push_str(&format!(" and {} more", docs.len() - MAX_CANDIDATES));
    }
    text
}

fn selection(message: String) -> PostRenderError {
    PostRenderError::general(Problem::Selection { message })
}

/// Whether `doc` is the workload `wanted` (`Kind/name`, kind case-insensitive).
fn matches_ref(doc: &Document<'_>, wanted: &str) -> bool {
    let Some((kind, name)) = wanted.split_once('/') else {
        return doc.name.as_deref() == Some(wanted);
    };
    doc.kind
        .as_deref()
        .is_some_and(|k| k.eq_ignore_ascii_case(kind))
        && doc.name.as_deref() == Some(name)
}

/// Refuses what would hide an annotated workload from the post-renderer: a
/// List or a piece of several documents holding one, a document the reader
/// refused that mentions the annotation, and (with `--values`) a refused
/// document that may be the workload the values are for.
fn refuse_hidden(
    docs: &[Document<'_>],
    options: &PostRenderOptions,
) -> Result<(), PostRenderError> {
    for doc in docs {
        match doc.shape {
            Shape::List | Shape::Several if doc.annotated => {
                let inner = doc.inner.iter().find(|o| o.annotated_workload);
                let object = inner
                    .map(|o| match (&o.kind, &o.name) {
                        (Some(k), Some(n)) => format!("{k}/{n}"),
                        (Some(k), None) => k.clone(),
                        _ => "a workload".into(),
                    })
                    .unwrap_or_else(|| "a workload".into());
                let place = inner.map_or_else(|| doc.start_place(), |o| doc.place(o.location));
                let message = if doc.shape == Shape::List {
                    format!(
                        "{object}, an item of this {}, carries the {TRANSPORT_ANNOTATION} annotation: the post-renderer does not change objects inside a List (Kubernetes would create it with the annotation and without the gateway); render the workload as a document of its own",
                        doc.kind.as_deref().unwrap_or("List")
                    )
                } else {
                    format!(
                        "{object} carries the {TRANSPORT_ANNOTATION} annotation in a piece that holds more than one YAML document (a `...` end marker followed by more YAML): Kubernetes reads only the first of them and the post-renderer does not change such a piece; separate the documents with `---`"
                    )
                };
                return Err(PostRenderError::at(place, Problem::Selection { message }));
            }
            Shape::Unreadable => {
                let may_be_target = options.values.is_some()
                    && (doc.kind.is_none() || is_workload_kind(doc.kind.as_deref()))
                    && match (&options.workload, &doc.name) {
                        (Some(wanted), Some(name)) => {
                            wanted.rsplit('/').next() == Some(name.as_str())
                        }
                        _ => true,
                    };
                if doc.annotated || may_be_target {
                    if let Some(err) = &doc.error {
                        return Err((**err).clone());
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn select_targets(
    docs: &[Document<'_>],
    options: &PostRenderOptions,
) -> Result<Vec<Selected>, PostRenderError> {
    refuse_hidden(docs, options)?;
    let workloads: Vec<&Document<'_>> = docs.iter().filter(|d| d.is_workload()).collect();
    let annotated: Vec<&Document<'_>> = workloads.iter().copied().filter(|d| d.annotated).collect();
    let pick = |pool: &[&Document<'_>], wanted: &str, what: &str| {
        let found: Vec<&Document<'_>> = pool
            .iter()
            .copied()
            .filter(|d| matches_ref(d, wanted))
            .collect();
        match found.len() {
            1 => Ok(found[0].index),
            0 => Err(selection(format!(
                "--workload {wanted}: no {what} of that kind and name; candidates: {}",
                if pool.is_empty() {
                    "none".to_string()
                } else {
                    candidates(pool)
                }
            ))),
            _ => Err(selection(format!(
                "--workload {wanted} matches several documents: {}",
                candidates(&found)
            ))),
        }
    };
    if let Some(values) = &options.values {
        let transport = source::from_values(values)?;
        let doc = if let Some(wanted) = &options.workload {
            pick(&workloads, wanted, "Deployment, StatefulSet or DaemonSet")?
        } else if annotated.len() == 1 {
            annotated[0].index
        } else if annotated.len() > 1 {
            return Err(selection(format!(
                "several workloads carry the {TRANSPORT_ANNOTATION} annotation; choose the one \
                 the values are for with --workload KIND/NAME: {}",
                candidates(&annotated)
            )));
        } else if workloads.len() == 1 {
            workloads[0].index
        } else if workloads.is_empty() {
            return Err(selection(
                "no Deployment, StatefulSet or DaemonSet (other than hooks) in the stream to \
                 apply the values to"
                    .into(),
            ));
        } else {
            return Err(selection(format!(
                "several workloads could take the values; choose one with --workload KIND/NAME: {}",
                candidates(&workloads)
            )));
        };
        return Ok(vec![Selected::Values(Box::new(Target {
            doc,
            transport,
            origin: ValuesOrigin::Values,
        }))]);
    }
    let chosen: Vec<&Document<'_>> = match &options.workload {
        Some(wanted) => vec![&docs[pick(&annotated, wanted, "workload with the annotation")?]],
        None => annotated,
    };
    Ok(chosen
        .into_iter()
        .map(|doc| Selected::Annotated(doc.index))
        .collect())
}

/// Location of `metadata.annotations["mcp-chart/transport"]` or of the document.
fn values_place(doc: &Document<'_>, origin: ValuesOrigin) -> StreamPlace {
    let transport = doc.facts().ok().and_then(|f| f.transport.as_ref());
    match (origin, transport) {
        (ValuesOrigin::Annotation, Some(node)) => doc.place(node.span.start),
        _ => doc.start_place(),
    }
}

/// Location of container `index` of a workload's pod template, when found.
fn container_place(doc: &Document<'_>, index: usize) -> StreamPlace {
    let tree = doc.tree();
    let node = tree.as_ref().and_then(|n| {
        n.get("spec")?
            .get("template")?
            .get("spec")?
            .get("containers")
            .and_then(|c| match &c.kind {
                NodeKind::Seq(items) => items.get(index),
                _ => None,
            })
    });
    match node {
        Some(n) => doc.place(n.span.start),
        None => doc.start_place(),
    }
}

fn same_namespace(a: &Document<'_>, b: &Document<'_>) -> bool {
    match (&a.namespace, &b.namespace) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    }
}

fn string_map(value: Option<&Value>) -> Map<String, Value> {
    value
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Builds the plan.
pub fn plan(docs: &[Document<'_>], options: &PostRenderOptions) -> Result<Plan, PostRenderError> {
    plan_with(docs, options, Details::Keep)
}

/// Whether the plan's summary keeps what was done to each object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Details {
    /// Everything (`--check`, the playground).
    Keep,
    /// Only counts, changed documents and notes: for hosts that write the
    /// output and nothing else. On a stream of thousands of releases the
    /// details are about a fifth of the peak memory.
    Drop,
}

/// Builds the plan, keeping or dropping the summary's details.
pub fn plan_with(
    docs: &[Document<'_>],
    options: &PostRenderOptions,
    details: Details,
) -> Result<Plan, PostRenderError> {
    let targets = select_targets(docs, options)?;
    let mut work = Work {
        docs,
        values: HashMap::new(),
        changed: HashSet::new(),
        visited: HashSet::new(),
        pinned: HashSet::new(),
        rendered: BTreeMap::new(),
        config_maps_added: HashSet::new(),
    };
    let mut out = Plan::default();
    let documents = docs.last().map_or(0, |d| d.number + d.pieces - 1);
    out.summary.documents = documents;
    let any_target = !targets.is_empty();
    let lookup = if any_target {
        let target_docs: Vec<usize> = targets
            .iter()
            .map(|s| match s {
                Selected::Values(t) => t.doc,
                Selected::Annotated(i) => *i,
            })
            .collect();
        Index::new(docs, &target_docs)
    } else {
        Index::default()
    };
    for selected in targets {
        let target = selected.read(docs)?;
        apply_target(docs, &lookup, &target, options, &mut work, &mut out)?;
        work.flush(false);
        if details == Details::Drop {
            out.summary.forget_details();
        }
    }
    if !any_target && options.values.is_none() {
        out.summary.notes.push(format!(
            "no workload carries the {TRANSPORT_ANNOTATION} annotation: nothing to do (for a chart \
             without it, pass --values)"
        ));
    }
    work.flush(true);
    out.replacements = std::mem::take(&mut work.rendered);
    let mut changed: Vec<usize> = out.replacements.keys().map(|&i| docs[i].number).collect();
    changed.sort_unstable();
    out.summary.changed = changed;
    out.summary.documents_out = documents + out.insertions.values().map(Vec::len).sum::<usize>();
    Ok(out)
}

fn apply_target(
    docs: &[Document<'_>],
    lookup: &Index<'_>,
    target: &Target,
    options: &PostRenderOptions,
    work: &mut Work<'_, '_>,
    out: &mut Plan,
) -> Result<(), PostRenderError> {
    let doc = &docs[target.doc];
    let object = doc.object().unwrap_or_default();
    let transport = &target.transport;
    let annotation_removed = consume_annotation(doc, target, work)?;
    transport_notes(&object, transport, out);
    let gateway_active = transport.kind == TransportType::Stdio && transport.stdio_gateway.enabled;
    let (gateway_summary, old_ports) = if gateway_active {
        apply_gateway(docs, lookup, target, options, work, out)?
    } else {
        (None, Vec::new())
    };
    let retarget = gateway_summary
        .as_ref()
        .is_some_and(|g| !g.already_injected);
    let service_names = apply_services(docs, lookup, target, retarget, &old_ports, work, out)?;
    apply_timeouts(
        docs,
        lookup,
        target,
        gateway_active,
        &service_names,
        work,
        out,
    )?;
    out.summary.workloads.push(WorkloadSummary {
        document: doc.number,
        object,
        values_origin: target.origin,
        annotation_removed,
        transport: transport.kind.as_str().to_string(),
        gateway: gateway_summary,
    });
    Ok(())
}

fn unreadable(doc: &Document<'_>, what: &str) -> PostRenderError {
    PostRenderError::at(
        doc.start_place(),
        Problem::Shape {
            message: format!("the {what} could not be read"),
        },
    )
}

/// A problem with the values: at the annotation, or (for `--values`) general.
fn values_error(doc: &Document<'_>, target: &Target, problem: Problem) -> PostRenderError {
    if target.origin == ValuesOrigin::Values {
        PostRenderError::general(problem)
    } else {
        PostRenderError::at(values_place(doc, target.origin), problem)
    }
}

/// Removes the transport annotation; whether there was one.
fn consume_annotation(
    doc: &Document<'_>,
    target: &Target,
    work: &mut Work<'_, '_>,
) -> Result<bool, PostRenderError> {
    let value = work
        .value(target.doc)
        .ok_or_else(|| unreadable(doc, "workload"))?;
    let mut removed = false;
    if let Some(Value::Object(meta)) = value.get_mut("metadata") {
        if let Some(Value::Object(annotations)) = meta.get_mut("annotations") {
            removed = annotations.shift_remove(TRANSPORT_ANNOTATION).is_some();
            if annotations.is_empty() {
                meta.shift_remove("annotations");
            }
        }
    }
    // The chart's guard against a missing post-renderer: we are here.
    let guard_removed = work
        .value(target.doc)
        .is_some_and(super::guard::remove_guard);
    if removed || guard_removed {
        work.changed.insert(target.doc);
    }
    Ok(removed)
}

fn transport_notes(object: &str, transport: &Transport, out: &mut Plan) {
    if transport.kind == TransportType::Stdio && !transport.stdio_gateway.enabled {
        out.summary.notes.push(format!(
            "{object}: transport.type is stdio but transport.stdioGateway.enabled is false: \
             nothing can reach a stdio server over the network"
        ));
    }
    if transport.kind != TransportType::Stdio && transport.stdio_gateway.enabled {
        out.summary.notes.push(format!(
            "{object}: transport.stdioGateway.enabled is ignored because transport.type is not stdio"
        ));
    }
}

/// Injects the gateway (unless it is there already) and adds its ConfigMap;
/// returns its summary and the ports of the container it replaced.
fn apply_gateway(
    docs: &[Document<'_>],
    lookup: &Index<'_>,
    target: &Target,
    options: &PostRenderOptions,
    work: &mut Work<'_, '_>,
    out: &mut Plan,
) -> Result<(Option<GatewaySummary>, Vec<gateway::OldPort>), PostRenderError> {
    let doc = &docs[target.doc];
    let object = doc.object().unwrap_or_default();
    let workload_name = doc.name.clone().unwrap_or_default();
    let value = work
        .value(target.doc)
        .ok_or_else(|| unreadable(doc, "workload"))?;
    let names = gateway::container_names(value)
        .map_err(|problem| PostRenderError::at(doc.start_place(), problem))?;
    if names.iter().any(|n| n == GATEWAY_CONTAINER) {
        out.summary.notes.push(format!(
            "{object} already has the {GATEWAY_CONTAINER} container: the gateway is not injected again"
        ));
        let summary = GatewaySummary {
            already_injected: true,
            ..GatewaySummary::default()
        };
        return Ok((Some(summary), Vec::new()));
    }
    let index = select_container(&names, options.container.as_deref()).map_err(|message| {
        PostRenderError::at(doc.start_place(), Problem::Selection { message })
    })?;
    if let Some(found) = runs_mcp_proxy(value, index) {
        return Err(PostRenderError::at(
            container_place(doc, index),
            Problem::Conflict {
                message: nested_proxy_message(&names[index], &found, target.origin),
            },
        ));
    }
    let helm4_filename = doc.facts()?.helm4_filename.as_deref();
    let injected = gateway::inject(
        value,
        index,
        &target.transport.stdio_gateway,
        &workload_name,
        helm4_filename,
    )
    .map_err(|problem| match problem {
        Problem::Shape { .. } | Problem::Conflict { .. } => {
            PostRenderError::at(container_place(doc, index), problem)
        }
        other if target.origin == ValuesOrigin::Values => PostRenderError::general(other),
        other => PostRenderError::at(values_place(doc, target.origin), other),
    })?;
    work.changed.insert(target.doc);
    if let Some(cm) = injected.config_map {
        add_config_map(docs, lookup, target, &cm, work, out)?;
    }
    out.summary.notes.extend(injected.notes);
    Ok((Some(injected.summary), injected.old_ports))
}

/// The word of container `index`'s command or args that starts mcp-proxy
/// (`mcp-proxy`, a path ending in `/mcp-proxy`, or either inside a shell
/// script), when there is one.
fn runs_mcp_proxy(workload: &Value, index: usize) -> Option<String> {
    let container = workload.pointer(&format!("/spec/template/spec/containers/{index}"))?;
    ["command", "args"]
        .iter()
        .filter_map(|key| container.get(key).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(|arg| {
            arg.split(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '&' | '|' | '(' | ')' | '`')
            })
        })
        .find(|word| *word == "mcp-proxy" || word.ends_with("/mcp-proxy"))
        .map(str::to_string)
}

/// Why a container that already runs mcp-proxy is not wrapped in another.
fn nested_proxy_message(container: &str, found: &str, origin: ValuesOrigin) -> String {
    let fix = match origin {
        ValuesOrigin::Values => {
            "render the chart with its own gateway off (for the upstream 0.1.0 chart: transport.stdioGateway.enabled=false in the values given to Helm), so that the container runs the stdio server, and give the gateway settings to mcp-chart with --values; or choose the stdio server's container with --container"
        }
        ValuesOrigin::Annotation => {
            "set transport.stdioGateway.enabled: false, or make the server container run the stdio server itself"
        }
    };
    format!(
        "container {container:?} already runs mcp-proxy ({found:?} in its command/args): the gateway would start a second mcp-proxy around it; {fix}"
    )
}

/// Adds the gateway's ConfigMap after the workload, unless its name is taken.
fn add_config_map(
    docs: &[Document<'_>],
    lookup: &Index<'_>,
    target: &Target,
    cm: &Value,
    work: &mut Work<'_, '_>,
    out: &mut Plan,
) -> Result<(), PostRenderError> {
    let doc = &docs[target.doc];
    let object = doc.object().unwrap_or_default();
    let workload_name = doc.name.clone().unwrap_or_default();
    let cm_name = cm
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let added_key = (
        cm_name.clone(),
        cm.pointer("/metadata/namespace").map(Value::to_string),
    );
    if !work.config_maps_added.insert(added_key) {
        return Err(PostRenderError::at(
            doc.start_place(),
            Problem::Conflict {
                message: format!(
                    "another workload named {workload_name:?} already gets the ConfigMap \
                     {cm_name:?}; workload names must differ"
                ),
            },
        ));
    }
    let namespace_ok = |ns: Option<&str>| match (ns, doc.namespace.as_deref()) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    // A ConfigMap the reader refused may be that one.
    for &i in &lookup.unreadable {
        let other = &docs[i];
        let maybe_config_map = other
            .kind
            .as_deref()
            .is_none_or(|k| k == "ConfigMap" || k.ends_with("List"));
        if maybe_config_map && same_namespace(other, doc) && other.piece.text.contains(&cm_name) {
            if let Some(err) = &other.error {
                return Err((**err).clone());
            }
        }
    }
    if let Some(clash) = lookup
        .config_maps
        .get(cm_name.as_str())
        .into_iter()
        .flatten()
        .find(|at| namespace_ok(at.namespace))
    {
        let other = &docs[clash.doc];
        let place = clash
            .inner
            .map_or_else(|| other.start_place(), |at| other.place(at));
        return Err(PostRenderError::at(
            place,
            Problem::Conflict {
                message: format!(
                    "a ConfigMap named {cm_name:?} is already in the stream; the gateway \
                     of {object} needs that name for its servers.json"
                ),
            },
        ));
    }
    out.insertions
        .entry(target.doc)
        .or_default()
        .push(super::render_added(
            doc.piece.text,
            &source_comment(doc),
            cm,
        ));
    Ok(())
}

/// The Services that select the workload's pods (retargeted to the gateway's
/// port when `retarget`); returns their names.
fn apply_services(
    docs: &[Document<'_>],
    lookup: &Index<'_>,
    target: &Target,
    retarget: bool,
    old_ports: &[gateway::OldPort],
    work: &mut Work<'_, '_>,
    out: &mut Plan,
) -> Result<HashSet<String>, PostRenderError> {
    let doc = &docs[target.doc];
    let pod_labels = work
        .value(target.doc)
        .and_then(|v| v.pointer("/spec/template/metadata/labels").cloned());
    let pod_labels = string_map(pod_labels.as_ref());
    // A Service, Ingress or HTTPRoute the reader refused may be one of this
    // workload's: it cannot be left as it is without saying so.
    if let Some(err) = lookup
        .unreadable
        .iter()
        .map(|&i| &docs[i])
        .filter(|d| same_namespace(d, doc))
        .filter(|d| {
            d.kind
                .as_deref()
                .is_none_or(|k| matches!(k, "Service" | "Ingress" | "HTTPRoute"))
        })
        .find_map(|d| d.facts().err())
    {
        return Err(err);
    }
    let mut service_names = HashSet::new();
    for svc in lookup
        .services_for(&pod_labels)
        .into_iter()
        .map(|i| &docs[i])
        .filter(|d| same_namespace(d, doc))
    {
        let selector = &svc.facts()?.selector;
        let selects = !selector.is_empty()
            && selector.iter().all(|(k, v)| {
                pod_labels
                    .get(k)
                    .is_some_and(|l| l.as_str() == Some(v.as_str()))
            });
        if !selects {
            continue;
        }
        if let Some(name) = &svc.name {
            service_names.insert(name.clone());
        }
        if retarget {
            let value = work
                .value(svc.index)
                .ok_or_else(|| unreadable(svc, "Service"))?;
            let retargeted = retarget_service(value, old_ports);
            if !retargeted.is_empty() {
                work.changed.insert(svc.index);
            }
            out.summary.services.push(ServiceSummary {
                document: svc.number,
                object: svc.object().unwrap_or_default(),
                retargeted,
            });
        }
    }
    Ok(service_names)
}

/// Timeouts on the Ingresses and HTTPRoutes that send traffic to the
/// workload's Services.
fn apply_timeouts(
    docs: &[Document<'_>],
    lookup: &Index<'_>,
    target: &Target,
    gateway_active: bool,
    service_names: &HashSet<String>,
    work: &mut Work<'_, '_>,
    out: &mut Plan,
) -> Result<(), PostRenderError> {
    let doc = &docs[target.doc];
    let settings = TimeoutSettings::from_transport(&target.transport, gateway_active)
        .map_err(|p| values_error(doc, target, p))?;
    if service_names.is_empty() {
        if lookup.has_routes {
            out.summary.notes.push(format!(
                "no Service in the stream selects the pods of {}: no Ingress or HTTPRoute \
                 timeouts were added for it",
                doc.object().unwrap_or_default()
            ));
        }
        return Ok(());
    }
    for ing in lookup
        .ingresses_for(service_names)
        .into_iter()
        .map(|i| &docs[i])
        .filter(|d| same_namespace(d, doc))
    {
        let class = ing.facts()?.ingress_class.as_deref();
        let value = work
            .value(ing.index)
            .ok_or_else(|| unreadable(ing, "Ingress"))?;
        let (summary, changed) = ingress::apply(
            value,
            class,
            &lookup.ingress_classes,
            &settings,
            ing.number,
            ing.object().unwrap_or_default(),
        )
        .map_err(|message| PostRenderError::at(ing.start_place(), Problem::Shape { message }))?;
        if changed {
            work.changed.insert(ing.index);
        }
        out.summary.ingresses.push(summary);
    }
    for (route_index, rules) in lookup.routes_for(service_names) {
        let route = &docs[route_index];
        if !same_namespace(route, doc) {
            continue;
        }
        let value = work
            .value(route.index)
            .ok_or_else(|| unreadable(route, "HTTPRoute"))?;
        let (rules, changed) =
            httproute::add_rule_timeouts(value, &rules, service_names, &settings)
                .map_err(|p| values_error(doc, target, p))?;
        if changed {
            work.changed.insert(route.index);
        }
        out.summary.http_routes.push(HttpRouteSummary {
            document: route.number,
            object: route.object().unwrap_or_default(),
            rules,
        });
    }
    Ok(())
}

/// The `# Source:` line of a document's leading comments, for a document
/// generated on its behalf.
fn source_comment(doc: &Document<'_>) -> String {
    doc.piece
        .text
        .lines()
        .take(8)
        .find(|l| l.trim_start().starts_with("# Source:"))
        .map(|l| format!("{}\n", l.trim_end_matches('\r')))
        .unwrap_or_default()
}

/// Chooses the server container: `--container`, else `mcp-server`, else the only one.
fn select_container(names: &[String], wanted: Option<&str>) -> Result<usize, String> {
    let list = || {
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(wanted) = wanted {
        return names.iter().position(|n| n == wanted).ok_or_else(|| {
            format!(
                "--container {wanted}: no such container; containers: {}",
                list()
            )
        });
    }
    if let Some(i) = names.iter().position(|n| n == "mcp-server") {
        return Ok(i);
    }
    match names.len() {
        1 => Ok(0),
        0 => Err("the pod has no containers".into()),
        _ => Err(format!(
            "the pod has several containers and none is named \"mcp-server\"; choose the stdio \
             server with --container NAME: {}",
            list()
        )),
    }
}

/// Points Service ports that targeted the replaced container's ports at `http`.
fn retarget_service(service: &mut Value, old: &[gateway::OldPort]) -> Vec<String> {
    let mut retargeted = Vec::new();
    let Some(ports) = service
        .pointer_mut("/spec/ports")
        .and_then(Value::as_array_mut)
    else {
        return retargeted;
    };
    for port in ports.iter_mut() {
        let Some(map) = port.as_object_mut() else {
            continue;
        };
        let label = map
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| map.get("port").map(|p| p.to_string()))
            .unwrap_or_default();
        let hits = match map.get("targetPort") {
            Some(Value::String(name)) => {
                name != PORT_NAME && old.iter().any(|p| p.name.as_deref() == Some(name.as_str()))
            }
            Some(Value::Number(n)) => n
                .as_i64()
                .is_some_and(|n| old.iter().any(|p| p.number == Some(n))),
            None | Some(Value::Null) => map
                .get("port")
                .and_then(Value::as_i64)
                .is_some_and(|n| old.iter().any(|p| p.number == Some(n))),
            Some(_) => false,
        };
        if hits {
            map.insert("targetPort".into(), Value::String(PORT_NAME.into()));
            retargeted.push(label);
        }
    }
    retargeted
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn container_choice() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(select_container(&names(&["a", "mcp-server"]), None), Ok(1));
        assert_eq!(select_container(&names(&["only"]), None), Ok(0));
        assert!(select_container(&names(&["a", "b"]), None).is_err());
        assert_eq!(select_container(&names(&["a", "b"]), Some("b")), Ok(1));
        assert!(select_container(&names(&["a"]), Some("c")).is_err());
    }

    #[test]
    fn services_that_targeted_the_old_port_are_retargeted() {
        let old = vec![gateway::OldPort {
            name: Some("web".into()),
            number: Some(3000),
        }];
        let mut svc = json!({"spec": {"ports": [
            {"name": "a", "port": 80, "targetPort": 3000},
            {"name": "b", "port": 81, "targetPort": "web"},
            {"name": "c", "port": 3000},
            {"name": "d", "port": 82, "targetPort": "http"},
            {"name": "e", "port": 83, "targetPort": 9999}
        ]}});
        assert_eq!(retarget_service(&mut svc, &old), vec!["a", "b", "c"]);
        assert_eq!(svc["spec"]["ports"][2]["targetPort"], "http");
        assert_eq!(svc["spec"]["ports"][4]["targetPort"], 9999);
    }
}
