//! Ingress timeout annotations, per controller.
//!
//! The controller is recognised from `spec.ingressClassName`, else the legacy
//! `kubernetes.io/ingress.class` annotation, by the class name each controller
//! installs by default:
//!
//! | class | controller | annotations (r/s/p = read/send/proxy seconds) |
//! | --- | --- | --- |
//! | `nginx` | ingress-nginx | `nginx.ingress.kubernetes.io/proxy-read-timeout: "r"`, `…/proxy-send-timeout: "s"`, SSE: `…/proxy-buffering: "off"` |
//! | `haproxy` | HAProxy Kubernetes Ingress (haproxytech) | `haproxy.org/timeout-server: "rs"`, WebSocket: `haproxy.org/timeout-tunnel: "max(r,s)s"` |
//! | `contour` | Contour | `projectcontour.io/response-timeout: "ps"` |
//! | `alb` | AWS Load Balancer Controller | `alb.ingress.kubernetes.io/load-balancer-attributes: "idle_timeout.timeout_seconds=min(max(r,s),4000)"` |
//! | `traefik` | Traefik | none: Traefik has no per-Ingress timeout annotation |
//!
//! An annotation key the Ingress already has is never changed.

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
