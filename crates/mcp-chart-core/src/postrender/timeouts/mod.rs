//! Long-lived-connection timeouts from `transport.http.timeouts`: Ingress
//! annotations per controller (`ingress.rs`) and HTTPRoute rule timeouts
//! (`httproute.rs`, durations in `crate::duration`). What the user set always wins.

/// Gateway API durations: the one parser, shared with the validator.
pub use crate::duration;
pub mod httproute;
pub mod ingress;

use crate::model::{Transport, TransportType};

use super::error::Problem;

/// The timeouts and transport facts the annotations depend on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutSettings {
    /// `readSeconds`: longest wait for the server to send data.
    pub read: i64,
    /// `sendSeconds`: longest wait for the client to send data.
    pub send: i64,
    /// `proxySeconds`: longest a whole proxied request may last.
    pub proxy: i64,
    /// Server-sent events flow (`http-sse`, or the stdio gateway).
    pub sse: bool,
    /// WebSocket transport.
    pub websocket: bool,
}

impl TimeoutSettings {
    /// The settings of `transport`; `gateway` tells whether the stdio gateway
    /// serves it (SSE). Timeouts must be at least one second.
    pub fn from_transport(transport: &Transport, gateway: bool) -> Result<Self, Problem> {
        let t = &transport.http.timeouts;
        for (name, value) in [
            ("readSeconds", t.read_seconds),
            ("sendSeconds", t.send_seconds),
            ("proxySeconds", t.proxy_seconds),
        ] {
            if value < 1 {
                return Err(Problem::Timeout {
                    message: format!("{name} is {value}; it must be at least 1 second"),
                });
            }
        }
        Ok(TimeoutSettings {
            read: t.read_seconds,
            send: t.send_seconds,
            proxy: t.proxy_seconds,
            sse: transport.kind == TransportType::HttpSse || gateway,
            websocket: transport.kind == TransportType::Websocket,
        })
    }
}
