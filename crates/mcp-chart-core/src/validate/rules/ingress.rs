//! `ingress-annotation-unknown`: Ingress annotations that the chosen controller
//! does not have (removed, never existed, or another controller's).

use crate::validate::context::{child, Ctx};
use crate::validate::diagnostic::Diagnostic;
use crate::validate::Code;

/// Annotations that do nothing, and what to do instead.
const NONEXISTENT: &[(&str, &str, &str)] = &[
    (
        "nginx.ingress.kubernetes.io/enable-websocket",
        "ingress-nginx has no `enable-websocket` annotation",
        "remove it: ingress-nginx proxies WebSocket upgrades without any annotation; long-lived connections need `proxy-read-timeout`/`proxy-send-timeout`, which the post-renderer sets from `transport.http.timeouts`",
    ),
    (
        "nginx.ingress.kubernetes.io/websocket-services",
        "`websocket-services` is an annotation of NGINX Inc's controller (`nginx.org/websocket-services`), not of ingress-nginx",
        "remove it: ingress-nginx proxies WebSocket upgrades without any annotation",
    ),
    (
        "nginx.ingress.kubernetes.io/secure-backends",
        "ingress-nginx removed `secure-backends`",
        "use `nginx.ingress.kubernetes.io/backend-protocol: \"HTTPS\"`",
    ),
    (
        "nginx.ingress.kubernetes.io/grpc-backend",
        "ingress-nginx removed `grpc-backend`",
        "use `nginx.ingress.kubernetes.io/backend-protocol: \"GRPC\"`",
    ),
    (
        "nginx.ingress.kubernetes.io/add-base-url",
        "ingress-nginx removed `add-base-url`",
        "remove it; rewrite links in the application instead",
    ),
    (
        "nginx.ingress.kubernetes.io/session-cookie-hash",
        "ingress-nginx removed `session-cookie-hash`",
        "remove it; cookie affinity needs only `affinity: cookie` and `session-cookie-name`",
    ),
    (
        "kubernetes.io/ingress.class",
        "the `kubernetes.io/ingress.class` annotation is deprecated and ignored when `ingressClassName` is set",
        "set `ingress.className` instead",
    ),
];

/// Annotation prefixes of controllers, and words their class names contain.
const CONTROLLERS: &[(&str, &str, &[&str])] = &[
    ("nginx.ingress.kubernetes.io/", "ingress-nginx", &["nginx"]),
    ("nginx.org/", "NGINX Inc's controller", &["nginx"]),
    ("nginx.com/", "NGINX Inc's controller", &["nginx"]),
    ("traefik.ingress.kubernetes.io/", "Traefik", &["traefik"]),
    ("haproxy.org/", "HAProxy", &["haproxy"]),
    (
        "haproxy-ingress.github.io/",
        "HAProxy Ingress",
        &["haproxy"],
    ),
    (
        "alb.ingress.kubernetes.io/",
        "the AWS Load Balancer Controller",
        &["alb"],
    ),
    ("konghq.com/", "Kong", &["kong"]),
    ("projectcontour.io/", "Contour", &["contour"]),
    (
        "appgw.ingress.kubernetes.io/",
        "Azure Application Gateway",
        &["azure", "appgw", "application-gateway"],
    ),
    ("ingress.gcp.kubernetes.io/", "GKE Ingress", &["gce"]),
];

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let class = ctx
        .str("/ingress/className")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let class_known = CONTROLLERS
        .iter()
        .any(|(_, _, words)| words.iter().any(|w| class.contains(w)));
    for (key, _) in ctx.entries("/ingress/annotations") {
        let pointer = child("/ingress/annotations", key);
        if let Some((_, message, help)) = NONEXISTENT.iter().find(|(k, _, _)| k == key) {
            out.push(
                ctx.diag_key(Code::IngressAnnotationUnknown, &pointer, *message)
                    .with_help(*help),
            );
            continue;
        }
        if key.starts_with("ingress.kubernetes.io/") && class.contains("nginx") {
            let name = key.trim_start_matches("ingress.kubernetes.io/");
            out.push(
                ctx.diag_key(
                    Code::IngressAnnotationUnknown,
                    &pointer,
                    "ingress-nginx ignores the old `ingress.kubernetes.io/` prefix",
                )
                .with_help(format!("write `nginx.ingress.kubernetes.io/{name}`")),
            );
            continue;
        }
        if !class_known {
            continue;
        }
        let Some((_, owner, words)) = CONTROLLERS.iter().find(|(p, _, _)| key.starts_with(p))
        else {
            continue;
        };
        if !words.iter().any(|w| class.contains(w)) {
            out.push(
                ctx.diag_key(
                    Code::IngressAnnotationUnknown,
                    &pointer,
                    format!("`{key}` is an annotation of {owner}, but `ingress.className` is `{class}`"),
                )
                .with_help("use the annotations of the controller that serves this IngressClass, or fix `ingress.className`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn legacy_and_foreign_annotations() {
        let r = run(
            "ingress:\n  enabled: true\n  className: nginx\n  annotations:\n    nginx.ingress.kubernetes.io/enable-websocket: \"true\"\n    nginx.ingress.kubernetes.io/proxy-read-timeout: \"3600\"\n    traefik.ingress.kubernetes.io/router.entrypoints: web\n    ingress.kubernetes.io/rewrite-target: /\n",
        );
        assert_eq!(
            at(&r, Code::IngressAnnotationUnknown),
            ["5:5", "7:5", "8:5"]
        );
    }

    #[test]
    fn unknown_class_names_skip_the_prefix_check() {
        let r = run("ingress:\n  className: internal\n  annotations:\n    traefik.ingress.kubernetes.io/x: y\n");
        assert!(at(&r, Code::IngressAnnotationUnknown).is_empty());
    }
}
