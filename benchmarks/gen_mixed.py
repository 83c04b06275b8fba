#!/usr/bin/env python3
"""Generates the mixed post-render benchmark stream (issue 15) and its
kustomize equivalent.

    gen_mixed.py --base BASE.yaml --mb 50 --out DIR

A realistic ~MB-sized stream of many charts' kinds of documents, the way an
umbrella release or a GitOps repository renders them: ServiceAccounts,
ConfigMaps with large block scalars (dashboards), Secrets, ClusterRoles with
indentless sequences, Services, Deployments, StatefulSets (MinIO's flow
sequence closed at the key's indentation), DaemonSets, Jobs (some hooks, as
Helm 4 sends them), Ingresses, PrometheusRules, NetworkPolicies, and
CustomResourceDefinitions with very long lines (descriptions of tens of KB on
one line, and Helm 4's multi-line single-quoted strings closed at column 0).
One `mcp-server` release (BASE.yaml, release `demo`: what Helm 3 hands a
post-renderer) sits in the middle: the only documents the post-renderer
changes.

Writes DIR/stream.yaml, DIR/kustomization.yaml (the same changes as
kustomize patches, from benchmarks/kustomize/) and prints a JSON summary.
"""
import argparse
import json
import pathlib
import random
import sys

HERE = pathlib.Path(__file__).resolve().parent
TEMPLATES = HERE / "kustomize"


def words(rng, n):
    vocab = ("the", "metrics", "server", "pod", "scrape", "interval", "label", "value", "alert", "rule",
             "namespace", "selector", "storage", "bucket", "replica", "timeout", "endpoint", "config")
    return " ".join(rng.choice(vocab) for _ in range(n))


def chart_docs(i, rng):
    """One chart's documents, named c<i>-…"""
    name = f"c{i:05d}"
    src = lambda t: f"---\n# Source: {name}/templates/{t}.yaml\n"  # noqa: E731
    panels = "".join(
        f'        {{"id": {p}, "type": "timeseries", "title": "{words(rng, 4)}", '
        f'"targets": [{{"expr": "sum(rate(http_requests_total{{job=\\"{name}\\"}}[5m])) by (code)"}}]}},\n'
        for p in range(rng.randint(20, 60))
    )
    docs = [
        src("serviceaccount") + f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  labels:\n"
        f"    app.kubernetes.io/name: {name}\n    app.kubernetes.io/managed-by: Helm\n",
        src("dashboard") + f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-dashboard\n  labels:\n"
        f"    grafana_dashboard: \"1\"\ndata:\n  dashboard.json: |-\n    {{\n      \"title\": \"{name}\",\n"
        f"      \"panels\": [\n{panels}        {{}}\n      ]\n    }}\n",
        src("secret") + f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}-creds\ntype: Opaque\ndata:\n"
        f"  password: {'QUJD' * rng.randint(8, 40)}\n  tls.crt: {'TUlJQ' * rng.randint(200, 600)}\n",
        src("clusterrole") + f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: {name}\n"
        "rules:\n- apiGroups: [\"\"]\n  resources: [\"pods\", \"services\", \"endpoints\"]\n  verbs: [\"get\", \"list\", \"watch\"]\n"
        "- apiGroups:\n  - apps\n  resources:\n  - deployments\n  verbs:\n  - get\n",
        src("clusterrolebinding") + f"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
        f"  name: {name}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {name}\n"
        f"subjects:\n- kind: ServiceAccount\n  name: {name}\n  namespace: default\n",
        src("service") + f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n"
        f"spec:\n  type: ClusterIP\n  ports:\n    - port: 80\n      targetPort: http\n      protocol: TCP\n      name: http\n"
        f"  selector:\n    app: {name}\n",
        src("deployment") + f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\n"
        f"  annotations:\n    checksum/config: \"{rng.getrandbits(128):032x}\"\nspec:\n  replicas: 2\n  selector:\n"
        f"    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n"
        f"      serviceAccountName: {name}\n      containers:\n        - name: app\n          image: \"registry.example/{name}:1.2.3\"\n"
        "          args: [\"--log-level=info\", \"--port=8080\"]\n          env:\n"
        + "".join(f"            - name: VAR_{k}\n              value: \"{words(rng, 3)}\"\n" for k in range(rng.randint(3, 12)))
        + "          ports:\n            - name: http\n              containerPort: 8080\n          readinessProbe:\n"
        "            httpGet: {path: /healthz, port: http}\n          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n",
        # MinIO (Loki's subchart): a flow sequence closed at the key's indentation.
        src("statefulset") + f"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}-minio\nspec:\n"
        f"  serviceName: {name}-minio\n  selector:\n    matchLabels: {{app: {name}-minio}}\n  template:\n    metadata:\n"
        f"      labels: {{app: {name}-minio}}\n    spec:\n      containers:\n        - name: minio\n"
        "          image: quay.io/minio/minio:RELEASE.2024-12-18\n          command: [ \"/bin/sh\",\n          \"-ce\",\n"
        "          \"/usr/bin/docker-entrypoint.sh minio server /export -S /etc/minio/certs/ --address :9000\" ]\n",
        src("daemonset") + f"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {name}-agent\nspec:\n  selector:\n"
        f"    matchLabels: {{app: {name}-agent}}\n  template:\n    metadata:\n      labels: {{app: {name}-agent}}\n    spec:\n"
        "      containers:\n      - name: agent\n        image: fluent/fluent-bit:3.1\n        volumeMounts:\n"
        "        - {name: varlog, mountPath: /var/log}\n      volumes:\n      - {name: varlog, hostPath: {path: /var/log}}\n",
        src("ingress") + f"apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\nspec:\n"
        f"  ingressClassName: nginx\n  rules:\n    - host: {name}.example.com\n      http:\n        paths:\n"
        f"          - path: /\n            pathType: Prefix\n            backend:\n              service:\n"
        f"                name: {name}\n                port:\n                  name: http\n",
        src("prometheusrule") + f"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: {name}\n"
        "spec:\n  groups:\n  - name: rules\n    rules:\n"
        + "".join(
            f"    - alert: {name.upper()}Alert{k}\n      expr: |-\n        sum(rate(errors_total{{job=\"{name}\"}}[5m]))\n"
            f"          / sum(rate(requests_total{{job=\"{name}\"}}[5m])) > 0.0{k + 1}\n      for: 10m\n"
            f"      annotations:\n        description: '{words(rng, 12)}'\n"
            for k in range(rng.randint(2, 8))
        ),
        src("networkpolicy") + f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\nspec:\n"
        f"  podSelector:\n    matchLabels:\n      app: {name}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n"
        "    - namespaceSelector: {}\n",
    ]
    if i % 7 == 0:
        # A hook, as Helm 4 hands it to a post-renderer.
        docs.append(
            src("job") + f"apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {name}-migrate\n  annotations:\n"
            "    helm.sh/hook: pre-upgrade\n    helm.sh/hook-delete-policy: hook-succeeded\nspec:\n  template:\n"
            "    spec:\n      restartPolicy: Never\n      containers:\n      - name: migrate\n        image: busybox\n"
            "        command: [sh, -c, 'echo migrating; sleep 1']\n"
        )
    return docs


def crd(i, rng):
    """A CRD with very long lines and Helm 4's column-0 closing quotes."""
    long_desc = words(rng, rng.randint(8_000, 25_000))
    props = "".join(
        f"              field{k}:\n                description: {long_desc[: rng.randint(200, 4000)]}\n"
        f"                type: string\n"
        for k in range(rng.randint(50, 200))
    )
    return (
        f"---\n# Source: crds/templates/crd-{i}.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        f"metadata:\n  name: widgets{i}.example.com\n  annotations:\n    controller-gen.kubebuilder.io/version: v0.16.1\n"
        f"spec:\n  group: example.com\n  names:\n    kind: Widget{i}\n    plural: widgets{i}\n  scope: Namespaced\n"
        f"  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n"
        f"        description: '{long_desc}\n\n          It''s long.\n\n'\n"
        f"        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n{props}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", required=True, type=pathlib.Path)
    ap.add_argument("--mb", type=float, default=50)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", required=True, type=pathlib.Path)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = args.base.read_text()
    if "mcp-chart/transport:" not in base or not base.startswith("---"):
        sys.exit(f"{args.base}: expected one release of the chart as Helm 3 hands it over")
    target = int(args.mb * 1e6)
    args.out.mkdir(parents=True, exist_ok=True)
    size = docs = crds = 0
    placed = False
    i = 0
    with open(args.out / "stream.yaml", "w") as f:
        while size < target:
            if not placed and size >= target // 2:
                f.write(base if base.endswith("\n") else base + "\n")
                size += len(base.encode())
                docs += base.count("\n---") + 1
                placed = True
            parts = chart_docs(i, rng)
            if i % 25 == 0:
                parts.append(crd(i, rng))
                crds += 1
            for text in parts:
                f.write(text)
                size += len(text.encode())
                docs += 1
            i += 1
        if not placed:
            f.write(base)
            docs += base.count("\n---") + 1
    # The kustomize equivalent: the one release's changes.
    (args.out / "patches").mkdir(exist_ok=True)
    (args.out / "configmaps.yaml").write_text(
        "---\n" + (TEMPLATES / "configmap.yaml").read_text().replace("RELEASE", "demo")
    )
    (args.out / "patches" / "deployment-demo.yaml").write_text(
        (TEMPLATES / "deployment-patch.yaml").read_text().replace("RELEASE", "demo")
    )
    for template in ("ingress-patch.yaml", "httproute-patch.yaml"):
        (args.out / "patches" / template).write_text((TEMPLATES / template).read_text())
    (args.out / "kustomization.yaml").write_text(
        "# Generated by benchmarks/gen_mixed.py: the kustomize equivalent of\n"
        "# `mcp-chart post-render` on stream.yaml.\n"
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- stream.yaml\n- configmaps.yaml\n"
        "patches:\n- path: patches/ingress-patch.yaml\n  target: {kind: Ingress, name: demo-mcp-server}\n"
        "- path: patches/httproute-patch.yaml\n"
        "  target: {group: gateway.networking.k8s.io, kind: HTTPRoute, name: demo-mcp-server}\n"
        "- path: patches/deployment-demo.yaml\n  target: {kind: Deployment, name: demo-mcp-server}\n"
    )
    size = (args.out / "stream.yaml").stat().st_size
    print(json.dumps({"documents": docs, "charts": i, "crds": crds, "bytes": size,
                      "stream": str(args.out / "stream.yaml")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
