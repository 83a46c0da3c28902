{{/* Object name prefix: every name is derived from it, so releases never share one. */}}
{{- define "auditbridge.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "auditbridge.selectorLabels" -}}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "auditbridge.labels" -}}
{{ include "auditbridge.selectorLabels" . }}
app.kubernetes.io/component: {{ .Values.source }}
app.kubernetes.io/part-of: auditbridge
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "auditbridge.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "auditbridge.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: the ServiceAccount to use when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "auditbridge.secretName" -}}
{{- default (include "auditbridge.fullname" .) .Values.existingSecret -}}
{{- end -}}

{{- define "auditbridge.image" -}}
{{- $images := dict "gke-poller" "bridge-gke" "gke-pubsub" "bridge-gke" "eks-poller" "bridge-eks" "eks-firehose" "bridge-eks" "aks" "bridge-aks" "openshift" "bridge-openshift" "detector" "detector" -}}
{{- $repo := default (printf "auditbridge/%s" (get $images .Values.source)) .Values.image.repository -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Pollers read a cloud API on a schedule: one active replica through the Lease, positions in a ConfigMap. */}}
{{- define "auditbridge.isPoller" -}}
{{- if has .Values.source (list "gke-poller" "eks-poller") -}}true{{- end -}}
{{- end -}}

{{/* Sources that answer HTTP: a Service in front. */}}
{{- define "auditbridge.receiverPort" -}}
{{- $ports := dict "eks-firehose" 8080 "openshift" 8443 "detector" 7765 -}}
{{- get $ports .Values.source -}}
{{- end -}}

{{- define "auditbridge.receiverPortName" -}}
{{- if eq .Values.source "openshift" -}}https{{- else if eq .Values.source "detector" -}}webhook{{- else -}}http{{- end -}}
{{- end -}}

{{/* Secret keys this release reads, in mount order. */}}
{{- define "auditbridge.secretKeys" -}}
{{- $keys := list -}}
{{- if and (ne .Values.source "detector") (eq .Values.sink.mode "webhook") .Values.sink.tokenKey -}}
{{- $keys = append $keys .Values.sink.tokenKey -}}
{{- end -}}
{{- if and (has .Values.source (list "detector" "openshift")) .Values.receiver.tokenKey -}}
{{- $keys = append $keys .Values.receiver.tokenKey -}}
{{- end -}}
{{- if eq .Values.source "eks-firehose" -}}
{{- $keys = append $keys "firehose-access-key" -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "auditbridge.rulesFiles" -}}
bundled,/etc/auditbridge/rules/custom
{{- end -}}
