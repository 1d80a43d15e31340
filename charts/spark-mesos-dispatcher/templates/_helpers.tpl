{{/* Names, labels and the values derived from several others. */}}

{{- define "smd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The resource name prefix: <release>-<chart>, or the release name when it contains the chart name. */}}
{{- define "smd.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "smd.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: stable across upgrades, so only the name and the instance. */}}
{{- define "smd.selectorLabels" -}}
app.kubernetes.io/name: {{ include "smd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "smd.labels" -}}
helm.sh/chart: {{ include "smd.chart" . }}
{{ include "smd.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: spark-mesos-dispatcher
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "smd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "smd.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "smd.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Lease and the framework ID ConfigMap: per release, so that two releases never share them. */}}
{{- define "smd.leaseName" -}}
{{- include "smd.fullname" . }}
{{- end }}

{{- define "smd.frameworkIdConfigMap" -}}
{{- printf "%s-framework-id" (include "smd.fullname" .) }}
{{- end }}

{{- define "smd.propertiesConfigMap" -}}
{{- printf "%s-config" (include "smd.fullname" .) }}
{{- end }}

{{/* Where REST submissions go; it must be watched, or the dispatcher would never see them. */}}
{{- define "smd.submissionNamespace" -}}
{{- $watched := .Values.watchNamespaces }}
{{- $ns := .Values.submissionNamespace }}
{{- if not $ns }}
{{- $ns = empty $watched | ternary .Release.Namespace (first $watched) }}
{{- end }}
{{- if and $watched (not (has $ns $watched)) }}
{{- fail (printf "submissionNamespace %q is not among watchNamespaces %v: the dispatcher would never see the SparkDrivers spark-submit creates there" $ns $watched) }}
{{- end }}
{{- $ns }}
{{- end }}

{{/* The link from the Mesos UI: the value, else the Ingress host, else the UI Service in the cluster. */}}
{{- define "smd.webuiUrl" -}}
{{- if .Values.webuiUrl }}
{{- .Values.webuiUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- $tls := false }}
{{- range .Values.ingress.tls }}{{ if has $host .hosts }}{{ $tls = true }}{{ end }}{{ end }}
{{- printf "%s://%s" ($tls | ternary "https" "http") $host }}
{{- else }}
{{- printf "http://%s-ui.%s.svc:%v" (include "smd.fullname" .) .Release.Namespace .Values.service.ui.port }}
{{- end }}
{{- end }}

{{/* The PromQL label matchers that pick this release's series. */}}
{{- define "smd.promSelector" -}}
{{- default (printf "namespace=%q,job=\"%s-metrics\"" .Release.Namespace (include "smd.fullname" .)) .Values.prometheusRule.selector }}
{{- end }}

{{/* Consistency checks across values that the schema cannot express. */}}
{{- define "smd.validate" -}}
{{- if and (not .Values.leaderElection.enabled) (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "leaderElection.enabled=false runs without a Lease, so it allows one replica only (replicaCount is %v)" .Values.replicaCount) }}
{{- end }}
{{- $ports := list .Values.containerPorts.rest .Values.containerPorts.ui .Values.containerPorts.metrics }}
{{- if ne (len (uniq $ports)) 3 }}
{{- fail (printf "containerPorts must be three different ports (rest %v, ui %v, metrics %v)" .Values.containerPorts.rest .Values.containerPorts.ui .Values.containerPorts.metrics) }}
{{- end }}
{{- end }}

{{/* One property line in java.util.Properties syntax; numbers are whole (the schema says so). */}}
{{- define "smd.property" -}}
{{- $v := .value }}
{{- if kindIs "float64" $v }}{{ $v = printf "%.0f" $v }}{{ else if kindIs "int64" $v }}{{ $v = printf "%d" $v }}{{ end }}
{{- printf "%s=%s" .key (toString $v | replace "\\" "\\\\") }}
{{- end }}

{{/* The dispatcher's properties file (--properties-file): the mesos.* values, then sparkConf. */}}
{{- define "smd.properties" -}}
# spark-mesos-dispatcher properties, rendered by Helm from the chart's values.
{{- $m := .Values.mesos }}
{{- with $m.role }}
{{ include "smd.property" (dict "key" "spark.mesos.role" "value" .) }}
{{- end }}
{{- with $m.principal }}
{{ include "smd.property" (dict "key" "spark.mesos.principal" "value" .) }}
{{- end }}
{{- if or $m.failoverTimeout (eq (toString $m.failoverTimeout) "0") }}
{{ include "smd.property" (dict "key" "spark.mesos.dispatcher.failoverTimeout" "value" $m.failoverTimeout) }}
{{- end }}
{{ include "smd.property" (dict "key" "spark.mesos.dispatcher.webui.url" "value" (include "smd.webuiUrl" .)) }}
{{- if .Values.kubernetesBackend.enabled }}
{{ include "smd.property" (dict "key" "spark.mesos.dispatcher.kubernetes.enabled" "value" "true") }}
{{- end }}
{{- range $key, $value := .Values.sparkConf }}
{{ include "smd.property" (dict "key" $key "value" $value) }}
{{- end }}
{{- end }}

{{/* What the dispatcher does with SparkDrivers and their Events where it watches them. */}}
{{- define "smd.driverRules" -}}
- apiGroups: [sparkmesos.io]
  resources: [sparkdrivers]
  verbs: [list, watch, create, patch, delete]
- apiGroups: [sparkmesos.io]
  resources: [sparkdrivers/status]
  verbs: [patch]
- apiGroups: [sparkmesos.io]
  resources: [scheduledsparkdrivers]
  verbs: [list, watch]
- apiGroups: [sparkmesos.io]
  resources: [scheduledsparkdrivers/status]
  verbs: [patch]
- apiGroups: [""]
  resources: [events]
  verbs: [create, patch]
{{- if .Values.kubernetesBackend.enabled }}
- apiGroups: [""]
  resources: [pods]
  verbs: [create, get, list, watch, delete]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
{{- end }}
{{- end }}

{{/* The label that lets a pod through the NetworkPolicy to the REST API (a label name is at most 63 characters). */}}
{{- define "smd.clientLabel" -}}
{{- printf "%s-client" (include "smd.fullname" . | trunc 56 | trimSuffix "-") }}
{{- end }}

{{/*
"true" where the ServiceMonitor and PrometheusRule can be rendered: the cluster (or helm template's
--api-versions) has monitoring.coreos.com/v1, or assumePrometheusOperatorApi says it will.
*/}}
{{- define "smd.prometheusOperatorApi" -}}
{{- if or .Values.assumePrometheusOperatorApi (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}true{{ end }}
{{- end }}
