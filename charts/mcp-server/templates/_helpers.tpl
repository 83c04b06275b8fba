{{/*
Short name of the chart: nameOverride or the chart name, at most 63 characters.
*/}}
{{- define "mcp-server.name" -}}
{{- .Values.nameOverride | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Name of the release's resources, at most 63 characters (a DNS label).
fullnameOverride wins; otherwise "<release>-<name>", or just the release name
when it already contains the chart name.
*/}}
{{- define "mcp-server.fullname" -}}
{{- $full := "" -}}
{{- if .Values.fullnameOverride -}}
{{- $full = .Values.fullnameOverride -}}
{{- else -}}
{{- $name := .Values.nameOverride | default .Chart.Name -}}
{{- if contains $name .Release.Name -}}
{{- $full = .Release.Name -}}
{{- else -}}
{{- $full = printf "%s-%s" .Release.Name $name -}}
{{- end -}}
{{- end -}}
{{- $full | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
"<chart>-<version>" for the helm.sh/chart label ("+" is not allowed in labels).
*/}}
{{- define "mcp-server.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels that select the release's pods. Never change these on upgrade.
*/}}
{{- define "mcp-server.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mcp-server.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end -}}

{{/*
Turns a map into YAML with every value a string (label and annotation values
must be strings). Null values are skipped. Renders nothing for an empty map.
*/}}
{{- define "mcp-server.stringMap" -}}
{{- $out := dict -}}
{{- range $k, $v := . -}}
{{- if not (kindIs "invalid" $v) -}}
{{- $_ := set $out (toString $k) (toString $v) -}}
{{- end -}}
{{- end -}}
{{- if $out -}}
{{- toYaml $out -}}
{{- end -}}
{{- end -}}

{{/*
Labels on every resource: selector labels, chart bookkeeping and additionalLabels.
The chart's own labels win over additionalLabels of the same name.
*/}}
{{- define "mcp-server.labels" -}}
{{- $own := dict
      "helm.sh/chart" (include "mcp-server.chart" .)
      "app.kubernetes.io/name" (include "mcp-server.name" .)
      "app.kubernetes.io/instance" (toString .Release.Name)
      "app.kubernetes.io/version" (.Chart.AppVersion | toString | trunc 63 | trimSuffix "-")
      "app.kubernetes.io/managed-by" (toString .Release.Service) -}}
{{- include "mcp-server.stringMap" (merge $own (.Values.additionalLabels | default dict)) -}}
{{- end -}}

{{/*
Labels of the pods: the common labels plus podLabels. Neither podLabels nor
additionalLabels can replace the selector labels.
*/}}
{{- define "mcp-server.podLabels" -}}
{{- $common := include "mcp-server.labels" . | fromYaml -}}
{{- include "mcp-server.stringMap" (merge $common (.Values.podLabels | default dict)) -}}
{{- end -}}

{{/*
Renders a list as exec-form YAML items, one double-quoted string per item, so
any text (quotes, $(...), newlines, ": ", " #") stays one literal argument.
Call with the list; the caller indents the result.
*/}}
{{- define "mcp-server.argv" -}}
{{- range $i, $a := . }}
{{- if $i }}{{ "\n" }}{{ end -}}
- {{ if kindIs "invalid" $a }}""{{ else }}{{ toString $a | quote }}{{ end }}
{{- end -}}
{{- end -}}

{{/*
Annotations of a resource: additionalAnnotations merged with the resource's own
annotations (the resource's own win). "mcp-chart/transport" is reserved for the
Deployment and dropped from additionalAnnotations. Call with
  (dict "root" $ "extra" <map or nil>)
Renders nothing when both are empty, so callers wrap it in `with`.
*/}}
{{- define "mcp-server.annotations" -}}
{{- $merged := dict -}}
{{- range $k, $v := (.root.Values.additionalAnnotations | default dict) -}}
{{- if ne $k "mcp-chart/transport" -}}
{{- $_ := set $merged $k $v -}}
{{- end -}}
{{- end -}}
{{- range $k, $v := (.extra | default dict) -}}
{{- $_ := set $merged $k $v -}}
{{- end -}}
{{- include "mcp-server.stringMap" $merged -}}
{{- end -}}

{{/*
Name of the config ConfigMap (also used by the Deployment's volume).
*/}}
{{- define "mcp-server.configMapName" -}}
{{- printf "%s-config" (include "mcp-server.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{/*
Name of the ServiceAccount the pods run as.
*/}}
{{- define "mcp-server.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "mcp-server.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/*
Quotes one string for a POSIX shell: 'it'\''s'. Used only for text the chart
itself puts into shell steps (the pip install step); argv never goes through a shell.
*/}}
{{- define "mcp-server.shellQuote" -}}
{{- printf "'%s'" (toString . | replace "'" "'\\''") -}}
{{- end -}}

{{/*
The data of the config ConfigMap, as YAML. configmap.yaml renders it and the
Deployment hashes it (checksum/config), so a change of the file rolls the pods.
The contents are one double-quoted (JSON) string, not a YAML block scalar: the
ConfigMap's last line would otherwise be the block's last line, and Helm 4 hands
each template file to a post-renderer without a final line break, which makes a
block scalar lose its trailing newline (Helm 3 and Helm 4 would then install
different files).
*/}}
{{- define "mcp-server.configData" -}}
{{- $name := required "config.filename must be set when config.enabled is true" .Values.config.filename -}}
{{- printf "%s: %s" (toString $name | toJson) (.Values.config.contents | default "" | toString | toJson) -}}
{{- end -}}

{{/*
The server container's image, pull policy, argv and setup steps for the
current mode, as JSON:
  {"image": "...", "pullPolicy": "...", "command": [...], "args": [...], "preStart": [...]}
command/args are exec-form lists. container.command / container.args, when not
empty, replace the mode's command / args. preStart holds shell steps that run
before the argv (see deployment.yaml for how they are wrapped).
*/}}
{{- define "mcp-server.serverSpec" -}}
{{- $v := .Values -}}
{{- $mode := $v.mode | default "image" | toString -}}
{{- $image := "" -}}
{{- $pullPolicy := "" -}}
{{- $command := list -}}
{{- $args := list -}}
{{- $preStart := list -}}
{{- if eq $mode "image" -}}
  {{- $repo := required "image.repository must be set when mode is image" $v.image.repository | toString -}}
  {{- $tag := $v.image.tag | default .Chart.AppVersion | toString -}}
  {{- if hasPrefix "sha256:" $tag -}}
    {{- $image = printf "%s@%s" $repo $tag -}}
  {{- else -}}
    {{- $image = printf "%s:%s" $repo $tag -}}
  {{- end -}}
  {{- $pullPolicy = $v.image.pullPolicy -}}
  {{- $command = $v.image.command | default list -}}
  {{- $args = $v.image.args | default list -}}
{{- else if eq $mode "node" -}}
  {{- if not $v.node.package -}}
    {{- fail "mode is \"node\" but node.package is empty: set node.package to the npm package to run (for example --set node.package=mcp-remote)" -}}
  {{- end -}}
  {{- $image = $v.node.image -}}
  {{- $pullPolicy = $v.node.pullPolicy -}}
  {{- $pkg := toString $v.node.package -}}
  {{- if $v.node.version -}}
    {{- $pkg = printf "%s@%s" $pkg (toString $v.node.version) -}}
  {{- end -}}
  {{- $command = list "npx" "-y" $pkg -}}
  {{- $args = $v.node.args | default list -}}
  {{- $preStart = $v.node.preStart | default list -}}
{{- else if eq $mode "python" -}}
  {{- if not $v.python.package -}}
    {{- fail "mode is \"python\" but python.package is empty: set python.package to the package to run (for example --set python.package=mcp-server-time)" -}}
  {{- end -}}
  {{- $image = $v.python.image -}}
  {{- $pullPolicy = $v.python.pullPolicy -}}
  {{- $pkg := toString $v.python.package -}}
  {{- $args = $v.python.args | default list -}}
  {{- $preStart = $v.python.preStart | default list -}}
  {{- if $v.python.usePip -}}
    {{- /* pip does not understand uvx's "name@version": turn it into "name==version" ("@latest" into "name") */ -}}
    {{- $spec := $pkg -}}
    {{- if and (contains "@" $pkg) (not (contains " @ " $pkg)) -}}
      {{- $parts := splitn "@" 2 $pkg -}}
      {{- $spec = $parts._0 -}}
      {{- if and $parts._1 (ne $parts._1 "latest") -}}
        {{- $spec = printf "%s==%s" $parts._0 $parts._1 -}}
      {{- end -}}
    {{- end -}}
    {{- if $v.python.fromGit -}}
      {{- $spec = toString $v.python.fromGit -}}
    {{- end -}}
    {{- $preStart = append $preStart (printf "pip install --no-cache-dir %s" (include "mcp-server.shellQuote" $spec)) -}}
    {{- /* console script: the distribution name without extras, version or specifiers */ -}}
    {{- $script := regexReplaceAll "[\\[<>=!~@; ].*$" $pkg "" -}}
    {{- $command = list $script -}}
  {{- else -}}
    {{- $command = list "uvx" -}}
    {{- if $v.python.fromGit -}}
      {{- $command = concat $command (list "--from" (toString $v.python.fromGit)) -}}
    {{- end -}}
    {{- $command = append $command $pkg -}}
  {{- end -}}
{{- else -}}
  {{- fail (printf "mode must be one of image, node, python (got %q)" $mode) -}}
{{- end -}}
{{- with $v.container.command -}}
  {{- $command = . -}}
{{- end -}}
{{- with $v.container.args -}}
  {{- $args = . -}}
{{- end -}}
{{- $out := dict "image" (toString $image) "pullPolicy" (toString ($pullPolicy | default "IfNotPresent")) "command" $command "args" $args "preStart" $preStart -}}
{{- toJson $out -}}
{{- end -}}

{{/*
What the stdio-gateway guard (an init container of the Deployment, removed by
the post-renderer) prints when the chart was installed without the
post-renderer: what is wrong and the commands that fix it.
*/}}
{{- define "mcp-server.postRendererRequired" -}}
mcp-chart: the mcp-chart post-renderer did not run. With transport.type=stdio and transport.stdioGateway.enabled=true it replaces the stdio server container with the gateway (mcp-proxy) and removes this init container; without it nothing would listen on the Service port, so this pod stops here. Fix: render with the post-renderer, e.g. Helm 3: helm upgrade --install {{ .Release.Name }} <chart> -f values.yaml --post-renderer mcp-chart --post-renderer-args post-render; Helm 4: helm plugin install ./helm-plugin/mcp-chart, then --post-renderer mcp-chart; Argo CD: the mcp-chart Config Management Plugin; Flux: HelmRelease postRenderers made by mcp-chart flux (docs/gitops.md).
{{- end -}}
