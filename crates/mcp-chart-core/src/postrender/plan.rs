//! What to change: which workloads get their transport settings from where,
//! which container becomes the gateway, which Services, Ingresses and
//! HTTPRoutes belong to those workloads, and the new text of each.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use crate::model::{Transport, TransportType};
use crate::yaml::NodeKind;

use super::classify::{Document, TRANSPORT_ANNOTATION};
use super::error::{PostRenderError, Problem, StreamPlace};
use super::gateway::{self, GATEWAY_CONTAINER, PORT_NAME};
use super::source::{self, ValuesOrigin};
use super::summary::{
    GatewaySummary, HttpRouteSummary, IngressSummary, InjectionSummary, ServiceSummary,
    WorkloadSummary,
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
                let node = doc.transport.as_ref().ok_or_else(|| {
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
    /// New text of the documents changed so far.
    rendered: BTreeMap<usize, String>,
    /// (name, namespace as JSON) of the ConfigMaps generated so far.
    config_maps_added: HashSet<(String, Option<String>)>,
}

impl Work<'_, '_> {
    fn value(&mut self, index: usize) -> Option<&mut Value> {
        if !self.values.contains_key(&index) {
            let doc = self.docs.get(index)?;
            let node = match self.rendered.get(&index) {
                Some(text) => reparse(text)?,
                None => doc.tree()?,
            };
            self.values.insert(index, node.to_json());
        }
        self.values.get_mut(&index)
    }

    /// Writes the changed documents out as text and forgets the working copies.
    fn flush(&mut self) {
        for index in std::mem::take(&mut self.changed) {
            if let (Some(value), Some(doc)) = (self.values.remove(&index), self.docs.get(index)) {
                self.rendered
                    .insert(index, super::render_document(doc.piece.text, &value));
            }
        }
        self.values.clear();
    }
}

/// Reads back a document the post-renderer wrote.
fn reparse(text: &str) -> Option<crate::yaml::Node> {
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
struct Index<'d> {
    /// Services by one `(key, value)` pair of their selector (the smallest).
    services: HashMap<(&'d str, &'d str), Vec<usize>>,
    /// Ingresses by the name of each Service they send traffic to.
    ingresses: HashMap<&'d str, Vec<usize>>,
    /// HTTPRoutes by the name of each Service their rules send traffic to.
    routes: HashMap<&'d str, Vec<usize>>,
    /// ConfigMaps by name.
    config_maps: HashMap<&'d str, Vec<usize>>,
    /// Whether the stream has any Ingress or HTTPRoute.
    has_routes: bool,
    /// The stream's IngressClasses (custom class names → controllers).
    ingress_classes: ingress::IngressClasses,
}

impl<'d> Index<'d> {
    fn new(docs: &'d [Document<'_>]) -> Self {
        let mut index = Index {
            services: HashMap::new(),
            ingresses: HashMap::new(),
            routes: HashMap::new(),
            config_maps: HashMap::new(),
            has_routes: false,
            ingress_classes: ingress::IngressClasses::from_docs(docs),
        };
        for doc in docs {
            if doc.kind.as_deref() == Some("ConfigMap") {
                if let Some(name) = doc.name.as_deref() {
                    index.config_maps.entry(name).or_default().push(doc.index);
                }
            }
            let map = if doc.is("Ingress") {
                &mut index.ingresses
            } else if doc.is("HTTPRoute") {
                &mut index.routes
            } else {
                if doc.is("Service") {
                    if let Some((k, v)) = doc.selector.iter().min() {
                        index
                            .services
                            .entry((k.as_str(), v.as_str()))
                            .or_default()
                            .push(doc.index);
                    }
                }
                continue;
            };
            index.has_routes = true;
            for name in &doc.backends {
                let list = map.entry(name.as_str()).or_default();
                if list.last() != Some(&doc.index) {
                    list.push(doc.index);
                }
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

    /// Documents of `map` listed under any of `names`, in stream order.
    fn by_names(map: &HashMap<&str, Vec<usize>>, names: &HashSet<String>) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .iter()
            .filter_map(|n| map.get(n.as_str()))
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn candidates(docs: &[&Document<'_>]) -> String {
    docs.iter()
        .map(|d| {
            format!(
                "{} (document {})",
                d.object().unwrap_or_else(|| "?".into()),
                d.index + 1
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
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

fn select_targets(
    docs: &[Document<'_>],
    options: &PostRenderOptions,
) -> Result<Vec<Selected>, PostRenderError> {
    let workloads: Vec<&Document<'_>> = docs.iter().filter(|d| d.is_workload()).collect();
    let annotated: Vec<&Document<'_>> = workloads
        .iter()
        .copied()
        .filter(|d| d.transport.is_some())
        .collect();
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
    match (origin, &doc.transport) {
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
        rendered: BTreeMap::new(),
        config_maps_added: HashSet::new(),
    };
    let mut out = Plan::default();
    out.summary.documents = docs.len();
    let lookup = Index::new(docs);
    let any_target = !targets.is_empty();
    for selected in targets {
        let target = selected.read(docs)?;
        apply_target(docs, &lookup, &target, options, &mut work, &mut out)?;
        work.flush();
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
    work.flush();
    out.replacements = std::mem::take(&mut work.rendered);
    let mut changed: Vec<usize> = out.replacements.keys().map(|i| i + 1).collect();
    changed.sort_unstable();
    out.summary.changed = changed;
    out.summary.documents_out = docs.len() + out.insertions.values().map(Vec::len).sum::<usize>();
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
        document: doc.index + 1,
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
    let injected = gateway::inject(
        value,
        index,
        &target.transport.stdio_gateway,
        &workload_name,
        doc.helm4_filename.as_deref(),
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
    if let Some(clash) = lookup
        .config_maps
        .get(cm_name.as_str())
        .into_iter()
        .flatten()
        .map(|&i| &docs[i])
        .find(|d| same_namespace(d, doc))
    {
        return Err(PostRenderError::at(
            clash.start_place(),
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
    let mut service_names = HashSet::new();
    for svc in lookup
        .services_for(&pod_labels)
        .into_iter()
        .map(|i| &docs[i])
        .filter(|d| same_namespace(d, doc))
    {
        let selects = !svc.selector.is_empty()
            && svc.selector.iter().all(|(k, v)| {
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
                document: svc.index + 1,
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
    for ing in Index::by_names(&lookup.ingresses, service_names)
        .into_iter()
        .map(|i| &docs[i])
        .filter(|d| same_namespace(d, doc))
    {
        if ing.backends.iter().any(|s| service_names.contains(s)) {
            let summary = apply_ingress(ing, lookup, &settings, work)?;
            out.summary.ingresses.push(summary);
        }
    }
    for route in Index::by_names(&lookup.routes, service_names)
        .into_iter()
        .map(|i| &docs[i])
        .filter(|d| same_namespace(d, doc))
    {
        if !route.backends.iter().any(|s| service_names.contains(s)) {
            continue;
        }
        let value = work
            .value(route.index)
            .ok_or_else(|| unreadable(route, "HTTPRoute"))?;
        let (rules, changed) = httproute::add_rule_timeouts(value, service_names, &settings)
            .map_err(|p| values_error(doc, target, p))?;
        if changed {
            work.changed.insert(route.index);
        }
        out.summary.http_routes.push(HttpRouteSummary {
            document: route.index + 1,
            object: route.object().unwrap_or_default(),
            rules,
        });
    }
    Ok(())
}

/// The controller's timeout annotations on one Ingress.
fn apply_ingress(
    ing: &Document<'_>,
    lookup: &Index<'_>,
    settings: &TimeoutSettings,
    work: &mut Work<'_, '_>,
) -> Result<IngressSummary, PostRenderError> {
    let class = ing.ingress_class.clone();
    let named = work
        .value(ing.index)
        .and_then(|v| ingress::controller_annotation(v));
    let resolved = lookup
        .ingress_classes
        .resolve(class.as_deref(), named.as_deref());
    let controller = resolved.controller;
    let mut summary = IngressSummary {
        document: ing.index + 1,
        object: ing.object().unwrap_or_default(),
        class: class.clone(),
        controller: controller.map(|c| c.label().to_string()),
        added: Vec::new(),
        kept: Vec::new(),
        note: None,
    };
    match controller {
        None => summary.note = resolved.unknown_because,
        Some(ingress::Controller::Traefik) => {
            summary.note = Some(
                "Traefik has no per-Ingress timeout annotation: configure its \
                 entryPoints' respondingTimeouts (or use an HTTPRoute)"
                    .to_string(),
            );
        }
        Some(c) => {
            let wanted = ingress::annotations_for(c, settings);
            if c == ingress::Controller::AwsAlb
                && settings.read.max(settings.send) > ingress::ALB_MAX_IDLE_SECONDS
            {
                summary.note = Some(format!(
                    "the ALB idle timeout is capped at {} seconds",
                    ingress::ALB_MAX_IDLE_SECONDS
                ));
            }
            let value = work
                .value(ing.index)
                .ok_or_else(|| unreadable(ing, "Ingress"))?;
            let (added, kept) = ingress::add_annotations(value, &wanted).map_err(|m| {
                PostRenderError::at(ing.start_place(), Problem::Shape { message: m })
            })?;
            if !added.is_empty() {
                work.changed.insert(ing.index);
            }
            summary.added = added;
            summary.kept = kept;
        }
    }
    Ok(summary)
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
