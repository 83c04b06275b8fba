#!/usr/bin/env python3
"""Pushes the Helm 4 plugin tarball (and its .prov) to an OCI registry, as the
artifact `helm plugin install oci://REGISTRY/REPO/mcp-chart --version V`
pulls (Helm 4's registry.PullPlugin): artifactType
application/vnd.helm.plugin.v1+json, the empty config, one layer per file
titled NAME-VERSION.tgz and NAME-VERSION.tgz.prov. Helm 4.3.1 has no command
that pushes a plugin (`helm push` takes charts only).

    scripts/push-plugin-oci.py --plain-http 127.0.0.1:5000/plugins/mcp-chart:0.2.0 \\
        out/release/mcp-chart-0.2.0.tgz out/release/mcp-chart-0.2.0.tgz.prov

Credentials for a registry that wants them: $OCI_USERNAME and $OCI_PASSWORD
(the registry's Bearer token flow, or Basic). The standard library only.
"""
import argparse
import base64
import hashlib
import json
import os
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

ARTIFACT_TYPE = "application/vnd.helm.plugin.v1+json"
EMPTY = b"{}"
EMPTY_TYPE = "application/vnd.oci.empty.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"


class Registry:
    def __init__(self, host, repo, plain_http):
        self.base = f"{'http' if plain_http else 'https'}://{host}"
        self.repo = repo
        self.auth = None
        user, password = os.environ.get("OCI_USERNAME"), os.environ.get("OCI_PASSWORD")
        self.basic = None
        if user and password:
            self.basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def request(self, method, url, data=None, headers=None, retry=True):
        if not url.startswith("http"):
            url = self.base + url
        req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
        if self.auth:
            req.add_header("Authorization", self.auth)
        try:
            return urllib.request.urlopen(req)
        except urllib.error.HTTPError as err:
            challenge = err.headers.get("WWW-Authenticate", "")
            if err.code == 401 and retry and self.login(challenge):
                return self.request(method, url, data, headers, retry=False)
            body = err.read().decode("utf-8", "replace")[:500]
            sys.exit(f"push-plugin-oci: {method} {url}: HTTP {err.code}: {body}")

    def login(self, challenge):
        if challenge.startswith("Basic") and self.basic:
            self.auth = self.basic
            return True
        if not challenge.startswith("Bearer "):
            return False
        params = dict(p.split("=", 1) for p in challenge[len("Bearer "):].split(","))
        params = {k.strip(): v.strip().strip('"') for k, v in params.items()}
        realm = params.pop("realm")
        params.setdefault("scope", f"repository:{self.repo}:pull,push")
        req = urllib.request.Request(realm + "?" + urllib.parse.urlencode(params))
        if self.basic:
            req.add_header("Authorization", self.basic)
        with urllib.request.urlopen(req) as resp:
            answer = json.load(resp)
        self.auth = "Bearer " + (answer.get("token") or answer["access_token"])
        return True

    def blob(self, data):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        with self.request("POST", f"/v2/{self.repo}/blobs/uploads/") as resp:
            location = resp.headers["Location"]
        if not location.startswith("http"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        self.request("PUT", f"{location}{sep}digest={urllib.parse.quote(digest)}", data,
                     {"Content-Type": "application/octet-stream"}).close()
        return digest


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plain-http", action="store_true", help="http, not https")
    ap.add_argument("reference", help="HOST[:PORT]/REPO/NAME:TAG")
    ap.add_argument("files", nargs="+", type=pathlib.Path, help="NAME-VERSION.tgz, then optionally its .prov")
    args = ap.parse_args()
    host, _, rest = args.reference.partition("/")
    repo, _, tag = rest.rpartition(":")
    if not repo or not tag:
        sys.exit("push-plugin-oci: the reference needs HOST/REPO:TAG")
    name = repo.rsplit("/", 1)[-1]
    for f in args.files:
        if not (f.name.startswith(name + "-") and f.name.endswith((".tgz", ".tgz.prov"))):
            sys.exit(f"push-plugin-oci: {f.name}: Helm only finds layers titled {name}-VERSION.tgz[.prov]")
    reg = Registry(host, repo, args.plain_http)
    layers = []
    for f in args.files:
        data = f.read_bytes()
        layers.append({"mediaType": LAYER_TYPE, "digest": reg.blob(data), "size": len(data),
                       "annotations": {"org.opencontainers.image.title": f.name}})
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "artifactType": ARTIFACT_TYPE,
        "config": {"mediaType": EMPTY_TYPE, "digest": reg.blob(EMPTY), "size": len(EMPTY)},
        "layers": layers,
    }
    body = json.dumps(manifest, separators=(",", ":")).encode()
    reg.request("PUT", f"/v2/{repo}/manifests/{tag}", body, {"Content-Type": MANIFEST_TYPE}).close()
    print(f"pushed {args.reference}@sha256:{hashlib.sha256(body).hexdigest()}")


if __name__ == "__main__":
    main()
