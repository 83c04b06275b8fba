//! Ingress timeout annotations, per controller.
//!
//! Which controller serves an Ingress is found, first match wins, from:
//!
//! 1. the Ingress's own `mcp-chart/ingress-controller` annotation (set through
//!    `ingress.annotations`), holding a controller name of the table below or an
//!    IngressClass `spec.controller` value;
//! 2. the IngressClass its class names (`spec.ingressClassName`, else the legacy
//!    `kubernetes.io/ingress.class` annotation), when that IngressClass is in the
//!    stream: its `spec.controller`; an Ingress without a class uses the stream's
//!    IngressClass marked `ingressclass.kubernetes.io/is-default-class: "true"`;
//! 3. the class name itself, when it is a controller's default class name.
//!
//! | controller | `spec.controller` | default class | annotations (r/s/p = read/send/proxy seconds) |
//! | --- | --- | --- | --- |
//! | ingress-nginx | `k8s.io/ingress-nginx` (and `k8s.io/ingress-nginx…`) | `nginx` | `nginx.ingress.kubernetes.io/proxy-read-timeout: "r"`, `…/proxy-send-timeout: "s"`, SSE: `…/proxy-buffering: "off"` |
//! | HAProxy Kubernetes Ingress (haproxytech) | `haproxy.org/ingress-controller` (and `…/<name>`) | `haproxy` | `haproxy.org/timeout-server: "rs"`, WebSocket: `haproxy.org/timeout-tunnel: "max(r,s)s"` |
//! | Contour | `projectcontour.io/ingress-controller` (any `projectcontour.io/…`) | `contour` | `projectcontour.io/response-timeout: "ps"` |
//! | AWS Load Balancer Controller | `ingress.k8s.aws/alb` | `alb` | `alb.ingress.kubernetes.io/load-balancer-attributes: "idle_timeout.timeout_seconds=min(max(r,s),4000)"` |
//! | Traefik | `traefik.io/ingress-controller` | `traefik` | none: Traefik has no per-Ingress timeout annotation |
//!
//! Names accepted in the annotation: `ingress-nginx` (or `nginx`), `haproxy`,
//! `contour`, `alb` (or `aws-load-balancer-controller`), `traefik`, or any
//! `spec.controller` value above. An annotation key the Ingress already has is
//! never changed.

use std::collections::HashMap;

use super::super::classify::Document;
use super::super::summary::IngressSummary;
use serde_json::{Map, Value};

use super::TimeoutSettings;

/// Ingress controllers the post-renderer knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controller {
    /// kubernetes/ingress-nginx.
    IngressNginx,
    /// HAProxy Kubernetes Ingress Controller (haproxytech).
    Haproxy,
    /// Contour.
    Contour,
    /// AWS Load Balancer Controller.
    AwsAlb,
    /// Traefik (no per-Ingress timeouts).
    Traefik,
}

impl Controller {
    /// The controller whose default class is `class`.
    pub fn from_class(class: &str) -> Option<Self> {
        match class {
            "nginx" => Some(Controller::IngressNginx),
            "haproxy" => Some(Controller::Haproxy),
            "contour" => Some(Controller::Contour),
            "alb" => Some(Controller::AwsAlb),
            "traefik" => Some(Controller::Traefik),
            _ => None,
        }
    }

    /// The controller an IngressClass's `spec.controller` names.
    pub fn from_controller(controller: &str) -> Option<Self> {
        let under = |prefix: &str| {
            controller == prefix
                || controller
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with(['/', '-']))
        };
        if under("k8s.io/ingress-nginx") {
            Some(Controller::IngressNginx)
        } else if under("haproxy.org/ingress-controller") {
            Some(Controller::Haproxy)
        } else if controller.starts_with("projectcontour.io/") {
            Some(Controller::Contour)
        } else if controller == "ingress.k8s.aws/alb" {
            Some(Controller::AwsAlb)
        } else if under("traefik.io/ingress-controller") {
            Some(Controller::Traefik)
        } else {
            None
        }
    }

    /// The controller named in the `mcp-chart/ingress-controller` annotation.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim() {
            "ingress-nginx" | "nginx" => Some(Controller::IngressNginx),
            "haproxy" => Some(Controller::Haproxy),
            "contour" => Some(Controller::Contour),
            "alb" | "aws-load-balancer-controller" => Some(Controller::AwsAlb),
            "traefik" => Some(Controller::Traefik),
            other => Self::from_controller(other),
        }
    }

    /// Its usual name.
    pub fn label(self) -> &'static str {
        match self {
            Controller::IngressNginx => "ingress-nginx",
            Controller::Haproxy => "HAProxy Kubernetes Ingress",
            Controller::Contour => "Contour",
            Controller::AwsAlb => "AWS Load Balancer Controller",
            Controller::Traefik => "Traefik",
        }
    }
}

/// Annotation of an Ingress that names its controller.
pub const CONTROLLER_ANNOTATION: &str = "mcp-chart/ingress-controller";
/// Annotation of the cluster's default IngressClass.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// The IngressClass objects of a stream: name → `spec.controller`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngressClasses {
    controllers: HashMap<String, String>,
    default_class: Option<String>,
}

/// Which controller serves an Ingress, and how that was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The controller, when known.
    pub controller: Option<Controller>,
    /// Why it is unknown, when it is.
    pub unknown_because: Option<String>,
}

impl IngressClasses {
    /// Reads the IngressClasses (not hooks) of the stream.
    pub fn from_docs(docs: &[Document<'_>]) -> Self {
        let mut out = IngressClasses::default();
        for doc in docs.iter().filter(|d| d.is("IngressClass")) {
            let (Some(name), Some(tree)) = (&doc.name, doc.tree()) else {
                continue;
            };
            let tree = tree.to_json();
            if let Some(controller) = tree.pointer("/spec/controller").and_then(Value::as_str) {
                out.controllers.insert(name.clone(), controller.to_string());
            }
            let default = tree
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(DEFAULT_CLASS_ANNOTATION))
                .and_then(Value::as_str);
            if default == Some("true") {
                out.default_class = Some(name.clone());
            }
        }
        out
    }

    /// The controller of an Ingress of `class` whose
    /// `mcp-chart/ingress-controller` annotation is `named`.
    pub fn resolve(&self, class: Option<&str>, named: Option<&str>) -> Resolved {
        let found = |controller: Option<Controller>, why: String| Resolved {
            unknown_because: controller.is_none().then_some(why),
            controller,
        };
        if let Some(name) = named {
            return found(
                Controller::from_name(name),
                format!(
                    "the {CONTROLLER_ANNOTATION} annotation names {name:?}, which is not a \
                     controller the post-renderer knows (ingress-nginx, haproxy, contour, alb, \
                     traefik, or their IngressClass spec.controller values): no timeout \
                     annotations added"
                ),
            );
        }
        let class = class.or(self.default_class.as_deref());
        let Some(class) = class else {
            return found(
                None,
                "no ingressClassName: the controller is unknown, no timeout annotations added \
                 (set ingress.className)"
                    .into(),
            );
        };
        if let Some(controller) = self.controllers.get(class) {
            return found(
                Controller::from_controller(controller),
                format!(
                    "IngressClass {class:?} has spec.controller {controller:?}, which is not a \
                     controller the post-renderer knows: no timeout annotations added (name one \
                     with the {CONTROLLER_ANNOTATION} annotation, or set them in \
                     ingress.annotations)"
                ),
            );
        }
        found(
            Controller::from_class(class),
            format!(
                "class {class:?} is not a controller the post-renderer knows: no timeout \
                 annotations added (name the controller with the {CONTROLLER_ANNOTATION} \
                 annotation, e.g. \"ingress-nginx\", or set them in ingress.annotations)"
            ),
        )
    }
}

/// The Ingress's `mcp-chart/ingress-controller` annotation, when set.
pub fn controller_annotation(ingress: &Value) -> Option<String> {
    ingress
        .pointer("/metadata/annotations")?
        .get(CONTROLLER_ANNOTATION)?
        .as_str()
        .map(str::to_string)
}

/// The AWS ALB idle timeout cannot exceed 4000 seconds.
pub const ALB_MAX_IDLE_SECONDS: i64 = 4000;

/// The annotations `controller` gets for `t`, in order.
pub fn annotations_for(controller: Controller, t: &TimeoutSettings) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |k: &str, v: String| out.push((k.to_string(), v));
    match controller {
        Controller::IngressNginx => {
            add(
                "nginx.ingress.kubernetes.io/proxy-read-timeout",
                t.read.to_string(),
            );
            add(
                "nginx.ingress.kubernetes.io/proxy-send-timeout",
                t.send.to_string(),
            );
            if t.sse {
                add("nginx.ingress.kubernetes.io/proxy-buffering", "off".into());
            }
        }
        Controller::Haproxy => {
            add("haproxy.org/timeout-server", format!("{}s", t.read));
            if t.websocket {
                add(
                    "haproxy.org/timeout-tunnel",
                    format!("{}s", t.read.max(t.send)),
                );
            }
        }
        Controller::Contour => {
            add(
                "projectcontour.io/response-timeout",
                format!("{}s", t.proxy),
            );
        }
        Controller::AwsAlb => {
            add(
                "alb.ingress.kubernetes.io/load-balancer-attributes",
                format!(
                    "idle_timeout.timeout_seconds={}",
                    t.read.max(t.send).min(ALB_MAX_IDLE_SECONDS)
                ),
            );
        }
        Controller::Traefik => {}
    }
    out
}

/// Annotations added, and keys kept because they were already set.
pub type AnnotationChanges = (Vec<(String, String)>, Vec<String>);

/// Adds the missing annotations; returns (added, kept because already set).
pub fn add_annotations(
    ingress: &mut Value,
    wanted: &[(String, String)],
) -> Result<AnnotationChanges, String> {
    let mut added = Vec::new();
    let mut kept = Vec::new();
    if wanted.is_empty() {
        return Ok((added, kept));
    }
    let meta = ingress
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
        .ok_or("the Ingress has no metadata map")?;
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| Value::Object(Map::new()));
    if annotations.is_null() {
        *annotations = Value::Object(Map::new());
    }
    let annotations = annotations
        .as_object_mut()
        .ok_or("metadata.annotations is not a map")?;
    for (k, v) in wanted {
        if annotations.contains_key(k) {
            kept.push(k.clone());
        } else {
            annotations.insert(k.clone(), Value::String(v.clone()));
            added.push((k.clone(), v.clone()));
        }
    }
    Ok((added, kept))
}

/// The controller's timeout annotations on one Ingress (`class`: its class
/// name, `classes`: the stream's IngressClasses): what was done, and whether
/// the Ingress changed.
pub fn apply(
    ingress: &mut Value,
    class: Option<&str>,
    classes: &IngressClasses,
    settings: &TimeoutSettings,
    document: usize,
    object: String,
) -> Result<(IngressSummary, bool), String> {
    let named = controller_annotation(ingress);
    let resolved = classes.resolve(class, named.as_deref());
    let controller = resolved.controller;
    let mut summary = IngressSummary {
        document,
        object,
        class: class.map(str::to_string),
        controller: controller.map(|c| c.label().to_string()),
        added: Vec::new(),
        kept: Vec::new(),
        note: None,
    };
    let mut changed = false;
    match controller {
        None => summary.note = resolved.unknown_because,
        Some(Controller::Traefik) => {
            summary.note = Some(
                "Traefik has no per-Ingress timeout annotation: configure its \
                 entryPoints' respondingTimeouts (or use an HTTPRoute)"
                    .to_string(),
            );
        }
        Some(c) => {
            let wanted = annotations_for(c, settings);
            if c == Controller::AwsAlb && settings.read.max(settings.send) > ALB_MAX_IDLE_SECONDS {
                summary.note = Some(format!(
                    "the ALB idle timeout is capped at {ALB_MAX_IDLE_SECONDS} seconds"
                ));
            }
            let (added, kept) = add_annotations(ingress, &wanted)?;
            changed = !added.is_empty();
            summary.added = added;
            summary.kept = kept;
        }
    }
    Ok((summary, changed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(sse: bool, websocket: bool) -> TimeoutSettings {
        TimeoutSettings {
            read: 3600,
            send: 120,
            proxy: 7200,
            sse,
            websocket,
        }
    }

    #[test]
    fn the_mapping_table() {
        let nginx = annotations_for(Controller::IngressNginx, &settings(true, false));
        assert_eq!(
            nginx,
            vec![
                (
                    "nginx.ingress.kubernetes.io/proxy-read-timeout".into(),
                    "3600".into()
                ),
                (
                    "nginx.ingress.kubernetes.io/proxy-send-timeout".into(),
                    "120".into()
                ),
                (
                    "nginx.ingress.kubernetes.io/proxy-buffering".into(),
                    "off".into()
                ),
            ]
        );
        assert_eq!(
            annotations_for(Controller::IngressNginx, &settings(false, true)).len(),
            2
        );
        assert_eq!(
            annotations_for(Controller::Haproxy, &settings(false, true)),
            vec![
                ("haproxy.org/timeout-server".into(), "3600s".into()),
                ("haproxy.org/timeout-tunnel".into(), "3600s".into()),
            ]
        );
        assert_eq!(
            annotations_for(Controller::Contour, &settings(true, false)),
            vec![("projectcontour.io/response-timeout".into(), "7200s".into())]
        );
        let mut long = settings(true, false);
        long.read = 9000;
        assert_eq!(
            annotations_for(Controller::AwsAlb, &long)[0].1,
            "idle_timeout.timeout_seconds=4000"
        );
        assert!(annotations_for(Controller::Traefik, &settings(true, false)).is_empty());
    }

    fn classes(stream: &str) -> IngressClasses {
        let docs = crate::postrender::classify::classify(stream).expect("classifies");
        IngressClasses::from_docs(&docs)
    }

    #[test]
    fn custom_class_names_map_through_their_ingress_class() {
        let stream = "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx-internal\n\
                      spec:\n  controller: k8s.io/ingress-nginx\n---\n\
                      apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: public\n  \
                      annotations:\n    ingressclass.kubernetes.io/is-default-class: \"true\"\n\
                      spec:\n  controller: haproxy.org/ingress-controller/public\n---\n\
                      apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: odd\n\
                      spec:\n  controller: example.com/odd\n";
        let c = classes(stream);
        let nginx = Some(Controller::IngressNginx);
        assert_eq!(c.resolve(Some("nginx-internal"), None).controller, nginx);
        // No class: the stream's default IngressClass.
        assert_eq!(c.resolve(None, None).controller, Some(Controller::Haproxy));
        // A default class name still works when no IngressClass of that name is in the stream.
        assert_eq!(
            c.resolve(Some("contour"), None).controller,
            Some(Controller::Contour)
        );
        // The IngressClass wins over the class name's default meaning.
        let odd = c.resolve(Some("odd"), None);
        assert_eq!(odd.controller, None);
        assert!(odd
            .unknown_because
            .expect("why")
            .contains("example.com/odd"));
        // The annotation wins over everything.
        assert_eq!(
            c.resolve(Some("odd"), Some("ingress-nginx")).controller,
            nginx
        );
        assert_eq!(
            c.resolve(Some("public"), Some("k8s.io/ingress-nginx"))
                .controller,
            nginx
        );
        let unknown = c.resolve(Some("nginx-internal"), Some("envoy"));
        assert_eq!(unknown.controller, None);
        assert!(unknown
            .unknown_because
            .expect("why")
            .contains(CONTROLLER_ANNOTATION));
        // Without IngressClasses a custom name stays unknown and says how to fix it.
        let none = IngressClasses::default().resolve(Some("nginx-internal"), None);
        assert_eq!(none.controller, None);
        assert!(none
            .unknown_because
            .expect("why")
            .contains(CONTROLLER_ANNOTATION));
    }

    #[test]
    fn controller_values() {
        for (value, want) in [
            ("k8s.io/ingress-nginx", Some(Controller::IngressNginx)),
            (
                "k8s.io/ingress-nginx-internal",
                Some(Controller::IngressNginx),
            ),
            ("k8s.io/ingress-nginxx", None),
            ("haproxy.org/ingress-controller", Some(Controller::Haproxy)),
            (
                "projectcontour.io/ingress-controller",
                Some(Controller::Contour),
            ),
            ("ingress.k8s.aws/alb", Some(Controller::AwsAlb)),
            ("traefik.io/ingress-controller", Some(Controller::Traefik)),
            ("nginx", None),
        ] {
            assert_eq!(Controller::from_controller(value), want, "{value}");
        }
        assert_eq!(
            Controller::from_name(" nginx "),
            Some(Controller::IngressNginx)
        );
        assert_eq!(
            controller_annotation(
                &json!({"metadata": {"annotations": {CONTROLLER_ANNOTATION: "alb"}}})
            ),
            Some("alb".into())
        );
    }

    #[test]
    fn user_annotations_win() {
        let mut ing = json!({"metadata": {"annotations": {"nginx.ingress.kubernetes.io/proxy-read-timeout": "60"}}});
        let wanted = annotations_for(Controller::IngressNginx, &settings(false, false));
        let (added, kept) = add_annotations(&mut ing, &wanted).expect("map");
        assert_eq!(kept, vec!["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        assert_eq!(added.len(), 1);
        assert_eq!(
            ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-read-timeout"],
            "60"
        );
    }
}
