//! `sse-replicas`: SSE (and stdio-gateway) sessions live in one pod, so several
//! pods need sticky routing.

use super::{gateway_enabled, transport_type};
use crate::validate::context::Ctx;
use crate::validate::diagnostic::Diagnostic;
use crate::validate::Code;

const HELP: &str = "keep one replica, or make routing sticky so each client always reaches the same pod (for example cookie affinity on the Ingress or session persistence on the Gateway)";

pub(crate) fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let kind = transport_type(ctx);
    let sessions = match kind {
        "http-sse" => "an SSE session",
        "stdio" if gateway_enabled(ctx) => "a stdio-gateway session",
        _ => return,
    };
    if ctx.flag("/autoscaling/enabled") {
        let max = ctx.int("/autoscaling/maxReplicas").unwrap_or(1);
        if max > 1 {
            out.push(
                ctx.diag(
                    Code::SseReplicas,
                    "/autoscaling/enabled",
                    format!(
                        "autoscaling up to {max} replicas with the {kind} transport: {sessions} lives in one pod, and requests routed to another pod fail"
                    ),
                )
                .with_help(HELP),
            );
        }
        return;
    }
    let replicas = ctx.int("/replicaCount").unwrap_or(1);
    if replicas > 1 {
        out.push(
            ctx.diag(
                Code::SseReplicas,
                "/replicaCount",
                format!(
                    "{replicas} replicas with the {kind} transport: {sessions} lives in one pod, and requests routed to another pod fail"
                ),
            )
            .with_help(HELP),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::rules::test_support::{at, run};
    use crate::validate::Code;

    #[test]
    fn replicas_and_autoscaling_with_sse() {
        assert_eq!(at(&run("replicaCount: 3\n"), Code::SseReplicas), ["1:15"]);
        assert_eq!(
            at(&run("autoscaling:\n  enabled: true\n"), Code::SseReplicas),
            ["2:12"]
        );
        assert!(at(
            &run("replicaCount: 3\ntransport:\n  type: websocket\n"),
            Code::SseReplicas
        )
        .is_empty());
    }
}
