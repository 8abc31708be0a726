{{/*
The Prometheus rule groups of the PrometheusRule (templates/prometheusrule.yaml): recording
rules for what the alerts and the README's queries share, then one alert per shutdown hazard.
Series are grouped by namespace, pod, agent and instance: a label that a scrape does not
set (namespace and pod outside Kubernetes) is simply absent.
A stopped pod's series go stale at once, so whatever happens during a shutdown is looked
at over `window` (last_over_time / max_over_time), as the README's queries do.
*/}}
{{- define "agentry.ruleGroups" -}}
{{- $r := .Values.metrics.prometheusRule }}
{{- $a := $r.alerts }}
{{- $by := "namespace, pod, agent, instance" }}
{{- $w := $r.window }}
{{- $n := regexFind "^[0-9]+" $w }}
{{- $windowSeconds := mul ($n | int64) (get (dict "s" 1 "m" 60 "h" 3600 "d" 86400) (trimPrefix $n $w)) }}
{{- /* A Pushgateway keeps a pushed group until it is deleted: groups pushed longer ago than the window are left out. */}}
{{- $fresh := printf "unless on (job, instance) (push_time_seconds < time() - %d)" $windowSeconds }}
groups:
  # One group: Prometheus evaluates a group's rules in order, so each alert reads the recording
  # rules of the same evaluation. In two groups, evaluated independently, an alert could read
  # the previous evaluation's recorded value and fire once more after its condition cleared.
  - name: agentry
    rules:
      # Request rate per instance and outcome: the unavailable alert and the dashboard.
      - record: agentry:agent_requests:rate5m
        expr: sum by ({{ $by }}, outcome) (rate(agent_requests_total[5m]))
      # Each shutdown step's duration, summed over its components, per stopped instance
      # (scraped or pushed to a Pushgateway: `max without (job)` counts it once).
      - record: agentry:agent_shutdown_step_seconds:last
        expr: sum by ({{ $by }}, step) (max without (job) (last_over_time(agent_shutdown_phase_seconds_sum[{{ $w }}]) {{ $fresh }}))
      # The whole shutdown per stopped instance: the total where it was scraped (pushed to a
      # Pushgateway), else the sum of the steps that Prometheus saw.
      - record: agentry:agent_shutdown_seconds:last
        expr: |
          max by ({{ $by }}) (
            sum by ({{ $by }}) (last_over_time(agent_shutdown_seconds_sum[{{ $w }}]) {{ $fresh }})
            or
            sum by ({{ $by }}) (agentry:agent_shutdown_step_seconds:last)
          )
      # Requests answered `forced` (a drain that ran out) per instance: counted only when a
      # drain runs out, so any value above 0 means that this instance's drain was cut short.
      # max_over_time, not increase: the series appears with its first forced requests, at
      # the end of the pod's life, and increase() would miss that first step. It is counted
      # at the end of step 1, often after the last scrape: a Pushgateway (pushgateway.enabled)
      # holds it; `max without (job)` counts a pod once whether scraped, pushed or both, and
      # a group pushed longer than the window ago is left out (push_time_seconds).
      - record: agentry:agent_requests_forced:max
        expr: sum by ({{ $by }}) (max without (job) (max_over_time(agent_requests_total{outcome="forced"}[{{ $w }}]) {{ $fresh }}))
      # The grace period that the chart gave each agent's pods (terminationGracePeriodSeconds).
      - record: agentry:agent_grace_period_seconds
        expr: |
          {{- $first := true }}
          {{- $agents := include "agentry.agents" . | fromJsonArray }}
          {{- range $agent, $values := .Values.agents }}
          {{- if has $agent $agents }}
          {{- $shutdown := include "agentry.shutdown" (dict "root" $ "agent" $agent "values" $values) | fromJson }}
          {{ if not $first }}or {{ end }}label_replace(vector({{ $shutdown.gracePeriodSeconds | int64 }}), "agent", {{ $agent | quote }}, "", "")
          {{- $first = false }}
          {{- end }}
          {{- end }}
          {{- if $first }}
          vector(0) unless vector(0)
          {{- end }}
      {{- if $a.forcedDrain.enabled }}
      - alert: AgentryForcedDrain
        expr: agentry:agent_requests_forced:max > 0
        labels:
          severity: {{ $a.forcedDrain.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: its drain ran out and forced {{ "{{" }} $value {{ "}}" }} request(s)"
          description: "The instance stopped with requests still in flight when agent.shutdown.drain-timeout ran out; they were answered with an error (outcome forced). Requests took longer than the drain allows, or the grace period cut it short."
          runbook_url: {{ printf "%s#agentryforceddrain" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.shutdownNearGracePeriod.enabled }}
      - alert: AgentryShutdownNearGracePeriod
        expr: |
          agentry:agent_shutdown_seconds:last
            > on (agent) group_left ()
          ({{ $a.shutdownNearGracePeriod.share }} * max by (agent) (agentry:agent_grace_period_seconds))
        labels:
          severity: {{ $a.shutdownNearGracePeriod.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: shutdown took {{ "{{" }} $value | humanizeDuration {{ "}}" }}, over {{ $a.shutdownNearGracePeriod.share }} of its grace period"
          description: "A shutdown came close to terminationGracePeriodSeconds; one a little slower would be killed by SIGKILL in the middle of its drain."
          runbook_url: {{ printf "%s#agentryshutdownneargraceperiod" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.workerJoinTimeout.enabled }}
      - alert: AgentryWorkerJoinTimeout
        # Counted only at shutdown (step 3): any value means a worker was abandoned.
        expr: sum by ({{ $by }}, worker) (max_over_time(agent_worker_join_timeouts_total[{{ $w }}])) > 0
        labels:
          severity: {{ $a.workerJoinTimeout.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: worker {{ "{{" }} $labels.worker {{ "}}" }} did not end within its join timeout"
          description: "At shutdown the worker did not stop within agent.shutdown.worker-join-timeout and was abandoned: it ignores its stop signal or blocks without a timeout."
          runbook_url: {{ printf "%s#agentryworkerjointimeout" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.lastShutdownNotGraceful.enabled }}
      - alert: AgentryLastShutdownNotGraceful
        expr: max by ({{ $by }}, outcome) (agent_last_shutdown_seconds{outcome!="graceful"})
        labels:
          severity: {{ $a.lastShutdownNotGraceful.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: its previous run stopped with outcome {{ "{{" }} $labels.outcome {{ "}}" }}"
          description: "The shutdown report of the previous run (read back at start-up) says that a step ran out of time or failed."
          runbook_url: {{ printf "%s#agentrylastshutdownnotgraceful" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.unavailable.enabled }}
      - alert: AgentryUnavailable
        # Instances that are shutting down (their shutdown steps are recorded) answer
        # `unavailable` by design while they drain: left out, so a rollout does not fire it.
        expr: |
          (
            sum by ({{ $by }}) (agentry:agent_requests:rate5m{outcome="unavailable"})
              / sum by ({{ $by }}) (agentry:agent_requests:rate5m)
          ) > {{ $a.unavailable.ratio }}
          unless on (agent, instance) agent_shutdown_phase_seconds_count
        for: {{ $a.unavailable.for }}
        labels:
          severity: {{ $a.unavailable.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: {{ "{{" }} $value | humanizePercentage {{ "}}" }} of requests answered unavailable"
          description: "The instance is not shutting down, yet refuses requests: more than agent.endpoint.max-inflight requests (or agent.endpoint.max-inflight-bytes) are in flight."
          runbook_url: {{ printf "%s#agentryunavailable" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.undeliverableReplies.enabled }}
      - alert: AgentryRepliesUndeliverable
        expr: sum by ({{ $by }}, endpoint) (increase(agent_replies_undeliverable_total[{{ $w }}])) > {{ $a.undeliverableReplies.threshold }}
        labels:
          severity: {{ $a.undeliverableReplies.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: {{ "{{" }} $value | humanize {{ "}}" }} replies on {{ "{{" }} $labels.endpoint {{ "}}" }} could not be delivered"
          description: "ZeroMQ could not route replies: the requester had gone (a client that timed out or restarted) or stopped reading."
          runbook_url: {{ printf "%s#agentryrepliesundeliverable" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.authDenied.enabled }}
      - alert: AgentryAuthDenied
        # agent_auth_denied_total exists once CURVE is on; without it the expression is empty.
        expr: sum by ({{ $by }}, socket, reason) (increase(agent_auth_denied_total[{{ $w }}])) > {{ $a.authDenied.threshold }}
        labels:
          severity: {{ $a.authDenied.severity }}
        annotations:
          summary: "{{ "{{" }} $labels.agent {{ "}}" }} {{ "{{" }} $labels.instance {{ "}}" }}: {{ "{{" }} $value | humanize {{ "}}" }} peers refused on {{ "{{" }} $labels.socket {{ "}}" }} ({{ "{{" }} $labels.reason {{ "}}" }})"
          description: "ZAP refused peers: an unknown CURVE key or no CURVE at all. A peer with a rotated or missing certificate, or someone probing the port."
          runbook_url: {{ printf "%s#agentryauthdenied" $r.runbookBaseUrl | quote }}
      {{- end }}
      {{- if $a.notReady.enabled }}
      - alert: AgentryNotReady
        # The observability-hub's health polls (0: a registered agent did not answer; the
        # hub's own `instance` tag becomes exported_instance), or
        # kube-state-metrics' readiness of this release's pods where it is installed.
        expr: |
          max by (namespace, service, exported_instance) (agent_peer_up) == 0
          or
          max by (namespace, pod) (kube_pod_status_ready{condition="true", namespace={{ .Release.Namespace | quote }}, pod=~{{ printf "%s-.*" (include "agentry.fullname" .) | quote }}}) == 0
        for: {{ $a.notReady.for }}
        labels:
          severity: {{ $a.notReady.severity }}
        annotations:
          summary: "{{`{{ with $labels.pod }}pod {{ . }}{{ else }}{{ $labels.service }} {{ $labels.exported_instance }}{{ end }}`}} has not been ready for {{ $a.notReady.for }}"
          description: "The agent does not answer its health socket, or its readiness probe fails: it is starting, stuck in a shutdown, or broken."
          runbook_url: {{ printf "%s#agentrynotready" $r.runbookBaseUrl | quote }}
      {{- end }}
{{- end }}
