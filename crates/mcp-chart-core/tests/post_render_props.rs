//! Property tests over generated manifest streams: every input document comes
//! out in the same order, untouched documents byte for byte, and a second run
//! changes nothing. The streams mix comments, empty documents, lists, scalars,
//! hooks, CRLF documents, block scalars that contain `---`, unrelated
//! workloads and the chart's annotated workload with its Service, Ingress and
//! HTTPRoute.

mod support;

use mcp_chart_core::postrender::split::split;
use mcp_chart_core::postrender::{post_render, PostRenderOptions};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Block {
    Comments,
    Empty,
    Scalar,
    Sequence,
    List,
    NoMetadata,
    ConfigMap(String),
    Hook,
    Unrelated,
    Workload(usize),
    Service,
    Ingress(&'static str),
    HttpRoute(bool),
}

const TRANSPORTS: &[&str] = &[
    r#"{"type":"http-sse","http":{"timeouts":{"readSeconds":600,"sendSeconds":300,"proxySeconds":5400}}}"#,
    r#"{"type":"websocket"}"#,
    r#"{"type":"stdio","stdioGateway":{"enabled":true,"allowOrigins":["https://a","b c"],"server":{"command":"srv","args":["$(x)","`y`","a b"]}}}"#,
    r#"{"type":"stdio","stdioGateway":{"enabled":true,"preStart":["echo $HOME; true"],"servers":{"b":{"command":"uvx","args":["b"]},"a":{"command":"uvx","disabled":true}}}}"#,
    r#"{"type":"stdio","stdioGateway":{"enabled":false}}"#,
];

fn block_text(block: &Block, index: usize) -> String {
    match block {
        Block::Comments => "# just a comment\n# and another\n".into(),
        Block::Empty => String::new(),
        Block::Scalar => "a plain scalar\n".into(),
        Block::Sequence => "- one\n- two\n".into(),
        Block::List => format!(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: listed-{index}\n"
        ),
        Block::NoMetadata => "kind: Thing\nspec:\n  x: 1\n".into(),
        Block::ConfigMap(data) => format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{index}\ndata:\n  value: {}\n  script: |\n    ---\n    echo \"$HOME\"   # not a comment\n    ---\n",
            serde_json::to_string(data).unwrap_or_default()
        ),
        Block::Hook => format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hook-{index}\n  annotations:\n    helm.sh/hook: test\n    mcp-chart/transport: '{{\"type\":\"stdio\",\"stdioGateway\":{{\"enabled\":true}}}}'\nspec:\n  containers:\n  - name: mcp-server\n    image: busybox\n"
        ),
        Block::Unrelated => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other-{index}\nspec:\n  template:\n    metadata:\n      labels: {{app: other}}\n    spec:\n      containers:\n      - name: app\n        image: nginx\n        ports:\n        - containerPort: 80\n"
        ),
        Block::Workload(t) => format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mcp-{index}\n  labels:\n    app: mcp\n  annotations:\n    keep: \"yes\"\n    mcp-chart/transport: {}\nspec:\n  selector:\n    matchLabels: {{app: mcp}}\n  template:\n    metadata:\n      labels:\n        app: mcp\n    spec:\n      containers:\n        - name: mcp-server\n          image: \"node:24\"\n          command: [\"npx\", \"-y\", \"pkg@1\"]\n          args: [\"--port\", \"3000\"]\n          ports:\n            - name: http\n              containerPort: 3000\n",
            serde_json::to_string(TRANSPORTS[*t % TRANSPORTS.len()]).unwrap_or_default()
        ),
        Block::Service => format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: mcp\nspec:\n  selector:\n    app: mcp\n  ports:\n  - name: web-{index}\n    port: 80\n    targetPort: 3000\n"
        ),
        Block::Ingress(class) => format!(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing-{index}\nspec:\n  ingressClassName: {class}\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: mcp\n            port:\n              number: 80\n"
        ),
        Block::HttpRoute(with_timeouts) => format!(
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: route-{index}\nspec:\n  rules:\n  - backendRefs:\n    - name: mcp\n      port: 80\n{}  - backendRefs:\n    - name: elsewhere\n      port: 80\n",
            if *with_timeouts { "    timeouts:\n      request: 10s\n" } else { "" }
        ),
    }
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        Just(Block::Comments),
        Just(Block::Empty),
        Just(Block::Scalar),
        Just(Block::Sequence),
        Just(Block::List),
        Just(Block::NoMetadata),
        "[a-zA-Z0-9 _.:/$(){}`'\";#-]{0,24}".prop_map(Block::ConfigMap),
        Just(Block::Hook),
        Just(Block::Unrelated),
        (0usize..TRANSPORTS.len()).prop_map(Block::Workload),
        Just(Block::Service),
        prop_oneof![
            Just("nginx"),
            Just("contour"),
            Just("haproxy"),
            Just("alb"),
            Just("traefik"),
            Just("other")
        ]
        .prop_map(Block::Ingress),
        any::<bool>().prop_map(Block::HttpRoute),
    ]
}

#[derive(Clone, Debug)]
struct Doc {
    block: Block,
    separator: &'static str,
    source_comment: bool,
    crlf: bool,
}

fn doc() -> impl Strategy<Value = Doc> {
    (
        block(),
        prop_oneof![Just("---\n"), Just("--- # sep\n"), Just("---   \n")],
        any::<bool>(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(block, separator, source_comment, crlf)| Doc {
            block,
            separator,
            source_comment,
            crlf,
        })
}

fn stream(docs: &[Doc], leading_separator: bool) -> String {
    let mut out = String::new();
    for (i, d) in docs.iter().enumerate() {
        let mut text = String::new();
        if i > 0 || leading_separator {
            text.push_str(d.separator);
        }
        if d.source_comment {
            text.push_str(&format!("# Source: chart/templates/t{i}.yaml\n"));
        }
        text.push_str(&block_text(&d.block, i));
        if d.crlf {
            text = text.replace('\n', "\r\n");
        }
        out.push_str(&text);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn generated_streams_keep_the_contract(
        docs in prop::collection::vec(doc(), 0..14),
        leading in any::<bool>(),
    ) {
        let input = stream(&docs, leading);
        let options = PostRenderOptions::default();
        let result = post_render(&input, &options);
        let result = match result {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::fail(format!("{e}\n{input}"))),
        };
        support::check_contract(&input, &options, &result);
        let annotated = docs.iter().any(|d| matches!(d.block, Block::Workload(_)));
        if !annotated {
            prop_assert_eq!(&result.output, &input);
        }
        // Hooks are never touched.
        for (i, piece) in split(&input).iter().enumerate() {
            if piece.text.contains("helm.sh/hook") {
                prop_assert!(!result.summary.changed.contains(&(i + 1)));
            }
        }
    }

    #[test]
    fn splitting_gives_back_every_byte(text in "(---|--- #x|-- |[a-z:# ]{0,8}|\r?\n){0,40}") {
        let pieces = split(&text);
        let joined: String = pieces.iter().map(|p| p.text).collect();
        prop_assert_eq!(joined, text);
    }

    #[test]
    fn arbitrary_text_never_panics_and_errors_are_located(
        text in "(---\n|kind: Deployment\n|metadata:\n|  name: x\n|  annotations:\n|    mcp-chart/transport: '\\{\\}'\n|spec: \\{\\}\n|- a\n|&a [*a]\n|\t\n|\"\n|[a-z: ]{0,6}\n){0,30}"
    ) {
        match post_render(&text, &PostRenderOptions::default()) {
            Ok(result) => support::check_contract(&text, &PostRenderOptions::default(), &result),
            Err(err) => prop_assert!(err.place.is_some(), "{}", err),
        }
    }
}

#[test]
fn the_generator_exercises_injection_and_timeouts() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = prop::collection::vec(doc(), 0..14);
    let (mut gateways, mut ingresses, mut routes, mut crlf_changed) = (0, 0, 0, 0);
    for _ in 0..300 {
        let docs = strategy.new_tree(&mut runner).expect("tree").current();
        let input = stream(&docs, true);
        let result = post_render(&input, &PostRenderOptions::default()).expect("valid stream");
        let s = &result.summary;
        gateways += s
            .workloads
            .iter()
            .filter(|w| w.gateway.as_ref().is_some_and(|g| !g.already_injected))
            .count();
        ingresses += s.ingresses.iter().filter(|i| !i.added.is_empty()).count();
        routes += s
            .http_routes
            .iter()
            .filter(|r| r.rules.iter().any(|x| x.added.is_some()))
            .count();
        let pieces = split(&input);
        crlf_changed += s
            .changed
            .iter()
            .filter(|&&d| pieces[d - 1].text.contains("\r\n"))
            .count();
    }
    assert!(gateways > 30, "gateways injected: {gateways}");
    assert!(ingresses > 10, "ingresses annotated: {ingresses}");
    assert!(routes > 10, "routes given timeouts: {routes}");
    assert!(crlf_changed > 5, "CRLF documents rewritten: {crlf_changed}");
}
