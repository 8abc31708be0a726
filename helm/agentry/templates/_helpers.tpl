{{/* The chart's name, or nameOverride. */}}
{{- define "agentry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's prefix for every object. Agent objects are "<fullname>-<agent>", and the
longest agent name has 27 characters, so the prefix is cut to 35 to stay within 63.
*/}}
{{- define "agentry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 35 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 35 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 35 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "agentry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "agentry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: agentry
{{- end }}

{{/* Selector labels of one agent; call with (dict "root" $ "agent" $name). */}}
{{- define "agentry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "agentry.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .agent }}
{{- end }}

{{/* The image reference. */}}
{{- define "agentry.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The agents that this release runs, as a JSON list (read it with fromJsonArray): every enabled
one, except the service-registry with discovery: kubernetes, where nothing registers.
*/}}
{{- define "agentry.agents" -}}
{{- $agents := list }}
{{- range $agent, $values := .Values.agents }}
{{- if and $values.enabled (or (eq $.Values.discovery "registry") (ne $agent "service-registry")) }}
{{- $agents = append $agents $agent }}
{{- end }}
{{- end }}
{{- toJson $agents }}
{{- end }}

{{/*
The headless Service of one agent (discovery: kubernetes), whose DNS name answers with the IPs
of the agent's ready pods; call with (dict "root" $ "agent" $name). "<fullname>-<agent>" is cut
to 54 characters so that the name, with "-headless", stays within 63.
*/}}
{{- define "agentry.headlessServiceName" -}}
{{- printf "%s-%s" (include "agentry.fullname" .root) .agent | trunc 54 | trimSuffix "-" }}-headless
{{- end }}

{{/*
A source of one agent's endpoints for the clients' `dns:///host:port` (discovery: kubernetes):
every ready pod of the agent's headless Service at the port given.
Call with (dict "root" $ "agent" $name "port" $port).
*/}}
{{- define "agentry.dnsSource" -}}
{{- printf "dns:///%s:%d" (include "agentry.headlessServiceName" (dict "root" .root "agent" .agent)) (int .port) }}
{{- end }}

{{/*
A literal env value: the kubelet reads $$ as $ and $(NAME) as another variable's value, and
Z85 keys contain $ ("a$$b" would reach the agent as "a$b"). Every $ doubled reaches it as written.
*/}}
{{- define "agentry.envLiteral" -}}
{{- replace "$" "$$" . }}
{{- end }}

{{/* The registry's request endpoint that the other agents register with. */}}
{{- define "agentry.registryEndpoint" -}}
{{- if .Values.registryEndpoint }}
{{- .Values.registryEndpoint }}
{{- else }}
{{- if not (index .Values.agents "service-registry").enabled }}
{{- fail "agents.service-registry is disabled: set registryEndpoint to the registry that the agents register with" }}
{{- end }}
{{- printf "tcp://%s-service-registry:5555" (include "agentry.fullname" .) }}
{{- end }}
{{- end }}

{{/*
A Spring duration ("250ms", "5s", "2m") in milliseconds. values.schema.json admits only
these forms; the fail guards a value that bypassed it.
*/}}
{{- define "agentry.millis" -}}
{{- $d := toString . }}
{{- if regexMatch "^[0-9]+ms$" $d }}
{{- trimSuffix "ms" $d | int64 }}
{{- else if regexMatch "^[0-9]+s$" $d }}
{{- mul (trimSuffix "s" $d | int64) 1000 }}
{{- else if regexMatch "^[0-9]+m$" $d }}
{{- mul (trimSuffix "m" $d | int64) 60000 }}
{{- else }}
{{- fail (printf "%q is not a duration: use a whole number with ms, s or m, e.g. 20s" $d) }}
{{- end }}
{{- end }}

{{/*
One agent's shutdown settings as JSON: the global `shutdown` with the agent's overrides,
plus its budget and the grace period. The budget adds up the same terms as agent-core's
ShutdownBudget (keep the two in step; HelmChartTests compares them): delay, drainTimeout,
the flush (zmqLinger) and the endpoints' margin (1 s), the liveness probe (0.5 s), 5 s per
stream, workerJoinTimeout, the health socket (zmqLinger + 1 s), each client (zmqLinger +
1 s; the registry's client counts with discovery: registry), the ZAP handler (0.5 s, with
CURVE), the context (zmqLinger + 1 s), the web server's graceful stop (1 s) and the
Pushgateway push (20 s, when enabled). The
JVM's exit needs exitMargin on top. A grace period below that would let the kubelet's
SIGKILL cut a drain short, so an explicit lower value fails rendering.
Call with (dict "root" $ "agent" $name "values" $agentValues).
*/}}
{{- define "agentry.shutdown" -}}
{{- $s := mergeOverwrite (deepCopy .root.Values.shutdown) (deepCopy (default dict .values.shutdown)) }}
{{- $linger := include "agentry.millis" $s.zmqLinger | int64 }}
{{- $socketClose := add $linger 1000 }}
{{- $clients := $s.clients | default 0 | int64 }}
{{- if and (ne .agent "service-registry") (ne .root.Values.discovery "kubernetes") }}
{{- $clients = add1 $clients }}
{{- end }}
{{- $streams := $s.streams | default 0 | int64 }}
{{- $budget := add (include "agentry.millis" $s.delay | int64) (include "agentry.millis" $s.drainTimeout | int64) $linger 1000 500 (mul $streams 5000) (include "agentry.millis" $s.workerJoinTimeout | int64) $socketClose (mul $clients $socketClose) $socketClose 1000 }}
{{- if .root.Values.security.curve.enabled }}
{{- $budget = add $budget 500 }}
{{- end }}
{{- if .root.Values.pushgateway.enabled }}
{{- $budget = add $budget 20000 }}
{{- end }}
{{- $minimum := div (add $budget (include "agentry.millis" $s.exitMargin | int64) 999) 1000 }}
{{- $grace := $minimum }}
{{- if not (kindIs "invalid" $s.terminationGracePeriodSeconds) }}
{{- $grace = $s.terminationGracePeriodSeconds | int64 }}
{{- if lt $grace $minimum }}
{{- fail (printf "agents.%s: terminationGracePeriodSeconds %d is below the shutdown budget of %ds (%d ms for the steps: delay %s + drainTimeout %s + workerJoinTimeout %s + zmqLinger %s per socket, with %d stream(s) and %d client(s), and their margins; exitMargin %s): the kubelet would kill the agent in the middle of its drain. Raise it to at least %d or lower the timeouts." .agent $grace $minimum $budget (toString $s.delay) (toString $s.drainTimeout) (toString $s.workerJoinTimeout) (toString $s.zmqLinger) $streams $clients (toString $s.exitMargin) $minimum) }}
{{- end }}
{{- end }}
{{- $_ := set $s "budgetMillis" $budget }}
{{- $_ := set $s "gracePeriodSeconds" $grace }}
{{- toJson $s }}
{{- end }}

{{/*
Environment variables that the chart sets; an agent's `env` may not set them. A name that ends
with * stands for every name that starts with the rest (the hub's indexed list of agents).
*/}}
{{- define "agentry.managedEnv" -}}
SERVER_PORT AGENT_ENDPOINT_BIND AGENT_HEALTH_BIND POD_IP POD_NAME AGENT_ADVERTISE_HOST AGENT_REGISTRY_ENDPOINT AGENT_SHUTDOWN_DELAY AGENT_SHUTDOWN_DRAIN_TIMEOUT AGENT_SHUTDOWN_WORKER_JOIN_TIMEOUT AGENT_SHUTDOWN_GRACE_PERIOD AGENT_ZMQ_LINGER JDK_JAVA_OPTIONS MODEL_WORKER_INTERRUPT_ENDPOINT STREAMING_INTERRUPT_HANDLER_PUBLISH_BIND MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_AGENT_REQUEST AGENT_ZMQ_CURVE_CERTIFICATE AGENT_ZMQ_CURVE_AUTHORIZEDKEYS AGENT_REGISTRY_PUBLICKEY MODEL_WORKER_INTERRUPT_PUBLIC_KEY REQUEST_COORDINATOR_WORKERS REQUEST_COORDINATOR_WORKERS_PUBLIC_KEY REQUESTCOORDINATOR_WORKERS REQUESTCOORDINATOR_WORKERSPUBLICKEY OBSERVABILITYHUB_AGENTS_* OBSERVABILITY_HUB_AGENTS_*
{{- end }}

{{/*
Where CURVE's files are mounted (security.curve): the agent's certificate Secret and the
authorized keys' directory, each a whole volume (never subPath), so that the kubelet
replaces their files in place.
*/}}
{{- define "agentry.curveCertificateDir" -}}
/etc/agentry/curve/certificate
{{- end }}

{{- define "agentry.curveAuthorizedKeysDir" -}}
/etc/agentry/curve/authorized-keys
{{- end }}

{{/* The Secret with one agent's certificate; call with (dict "root" $ "agent" $name "values" $agentValues). */}}
{{- define "agentry.curveSecretName" -}}
{{- default (printf "%s-%s-curve" (include "agentry.fullname" .root) .agent) (dig "curve" "secretName" "" .values) }}
{{- end }}

{{/* The ConfigMap or Secret with the authorized public keys. */}}
{{- define "agentry.curveAuthorizedKeysName" -}}
{{- default (printf "%s-curve-authorized-keys" (include "agentry.fullname" .)) .Values.security.curve.authorizedKeys.name }}
{{- end }}

{{/*
The registry's public key (security.curve.registryPublicKey), checked: CURVE needs it, and a
key that is not 40 Z85 characters would only fail in every agent at start-up.
*/}}
{{- define "agentry.registryPublicKey" -}}
{{- include "agentry.curvePublicKey" (dict "value" "registryPublicKey" "key" .Values.security.curve.registryPublicKey "of" "the registry") }}
{{- end }}

{{/*
The streaming-interrupt-handler's public key, which the model-workers pin on their interrupt
subscription (model-worker.interrupt-public-key): security.curve.publicKeys's entry for it when
given, else security.curve.interruptHandlerPublicKey. Both given must be the same key: one
handler holds one certificate.
*/}}
{{- define "agentry.interruptHandlerPublicKey" -}}
{{- $curve := .Values.security.curve }}
{{- $fromMap := index (default dict $curve.publicKeys) "streaming-interrupt-handler" | default "" }}
{{- if $fromMap }}
{{- if and $curve.interruptHandlerPublicKey (ne $curve.interruptHandlerPublicKey $fromMap) }}
{{- fail (printf "security.curve.interruptHandlerPublicKey %q and security.curve.publicKeys.streaming-interrupt-handler %q differ: the handler holds one certificate. Give its public key once, in publicKeys." $curve.interruptHandlerPublicKey $fromMap) }}
{{- end }}
{{- /* The interrupt subscription pins one key: the first of a rotation's list. */}}
{{- include "agentry.curvePublicKey" (dict "value" "publicKeys.streaming-interrupt-handler" "key" (first (splitList "," $fromMap)) "of" "the streaming-interrupt-handler") }}
{{- else }}
{{- include "agentry.curvePublicKey" (dict "value" "interruptHandlerPublicKey" "key" $curve.interruptHandlerPublicKey "of" "the streaming-interrupt-handler" "or" "publicKeys.streaming-interrupt-handler") }}
{{- end }}
{{- end }}

{{/*
The public key of one agent's service certificate, which its clients pin when they find its
pods through its headless Service (discovery: kubernetes): security.curve.publicKeys.<agent>.
Call with (dict "root" $ "agent" $name "client" $client), $client being who pins it.
*/}}
{{- define "agentry.servicePublicKey" -}}
{{- $keys := default dict .root.Values.security.curve.publicKeys }}
{{- include "agentry.curvePublicKey" (dict "value" (printf "publicKeys.%s" .agent) "key" (index $keys .agent | default "") "of" (printf "the %s" .agent) "pinnedBy" .client "list" true) }}
{{- end }}

{{/*
A public key value, checked: security.curve.<value> must be 40 Z85 characters. Optional: "or",
another value that may give the key instead; "pinnedBy", the agent that pins it; "list", true
where a comma-separated list of keys is allowed (the old and the new key while a service's key
is rotated: its clients try each).
*/}}
{{- define "agentry.curvePublicKey" -}}
{{- $key := .key }}
{{- if not $key }}
{{- $or := "" }}
{{- if .or }}
{{- $or = printf " (or security.curve.%s)" .or }}
{{- end }}
{{- $pinnedBy := "" }}
{{- if .pinnedBy }}
{{- $pinnedBy = printf ", which the %s pins with discovery: kubernetes" .pinnedBy }}
{{- end }}
{{- fail (printf "security.curve.enabled needs security.curve.%s%s: %s's public key, the 40 Z85 characters of the public-key line in its .key file (keygen writes it)%s" .value $or .of $pinnedBy) }}
{{- end }}
{{- $z85 := `[0-9a-zA-Z.:+=^!/*?&<>()\[\]{}@%$#-]{40}` }}
{{- $pattern := printf "^%s$" $z85 }}
{{- if .list }}
{{- $pattern = printf "^%s(,%s)*$" $z85 $z85 }}
{{- end }}
{{- if not (regexMatch $pattern $key) }}
{{- fail (printf "security.curve.%s %q is not a CURVE public key: it must be 40 Z85 characters (0-9 a-z A-Z . - : + = ^ ! / * ? & < > ( ) [ ] { } @ %% $ #), the public-key line of %s's .key file without its quotes%s" .value $key .of (ternary " (or, while it is rotated, the old and the new key separated by a comma)" "" (.list | default false))) }}
{{- end }}
{{- $key }}
{{- end }}
