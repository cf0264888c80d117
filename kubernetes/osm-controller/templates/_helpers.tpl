{{/*
Names. The Services and the serving certificate's names are fixed by the mesh (osm-controller.<ns>.svc,
osm-config-validator.<ns>.svc), so the namespaced objects carry fixed names too: one control plane per namespace.
Cluster-scoped objects end with the namespace, so that several meshes can share a cluster.
*/}}
{{- define "osm.name" -}}osm-controller{{- end }}

{{- define "osm.clusterName" -}}osm-controller-{{ .Release.Namespace }}{{- end }}

{{- define "osm.mutatingWebhookName" -}}
{{ .Values.OpenServiceMesh.webhookConfigNamePrefix }}-{{ .Release.Namespace }}
{{- end }}

{{- define "osm.validatingWebhookName" -}}
{{ .Values.OpenServiceMesh.webhookConfigNamePrefix }}-validator-{{ .Release.Namespace }}
{{- end }}

{{- define "osm.vaultTokenSecretName" -}}
{{- if .Values.OpenServiceMesh.vault.token -}}osm-vault-token{{- else -}}{{ .Values.vaultToken.existingSecret }}{{- end -}}
{{- end }}

{{- define "osm.labels" -}}
app.kubernetes.io/name: {{ include "osm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: openservicemesh
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Where a Prometheus that discovers targets by annotation finds the metrics. */}}
{{- define "osm.scrapeAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: "9080"
prometheus.io/path: /metrics
{{- end }}

{{- define "osm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "osm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The settings as MicroProfile Config environment variables: one per non-empty value under OpenServiceMesh, named
after its key with every character that is not a letter or digit turned into '_'. Lists become comma-separated
values. The Vault token is left out here: it comes from a Secret (see the Deployment).
Called with (list PREFIX MAP).
*/}}
{{- define "osm.settingsEnv" -}}
{{- $prefix := index . 0 -}}
{{- range $key, $value := index . 1 }}
{{- $name := printf "%s_%s" $prefix (regexReplaceAll "[^A-Za-z0-9]" $key "_") }}
{{- if kindIs "map" $value }}
{{- include "osm.settingsEnv" (list $name $value) }}
{{- else if eq $name "OpenServiceMesh_vault_token" }}
{{- else if kindIs "slice" $value }}
{{- if $value }}
- name: {{ $name }}
  value: {{ join "," $value | quote }}
{{- end }}
{{- else if ne (toString $value) "" }}
- name: {{ $name }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The certificate manager in force, as the control plane decides it: OpenServiceMesh.certificateManager, else the
mission's CERT_MANAGER, else tresor.
*/}}
{{- define "osm.certificateManager" -}}
{{- coalesce .Values.OpenServiceMesh.certificateManager .Values.CERT_MANAGER "tresor" -}}
{{- end }}

{{/*
Checks that need more than one value, with the message an operator needs; the schema checks each value alone.
*/}}
{{- define "osm.checks" -}}
{{- $osm := .Values.OpenServiceMesh -}}
{{- $vault := $osm.vault -}}
{{- $hasToken := or $vault.token .Values.vaultToken.existingSecret -}}
{{- if eq (include "osm.certificateManager" .) "vault" }}
{{- if not $vault.host }}
{{- fail "OpenServiceMesh.vault.host is required with OpenServiceMesh.certificateManager=vault: --set OpenServiceMesh.vault.host=vault.example.com (no scheme, port or path)" }}
{{- end }}
{{- if and (eq $vault.authMethod "token") (not $hasToken) }}
{{- fail "the Vault token is missing: create a Secret (kubectl create secret generic osm-vault-token -n NAMESPACE --from-literal=token=...) and --set vaultToken.existingSecret=osm-vault-token, or --set OpenServiceMesh.vault.token=..., or use --set OpenServiceMesh.vault.authMethod=kubernetes" }}
{{- end }}
{{- if and (eq $vault.authMethod "kubernetes") (not $vault.kubernetesRole) }}
{{- fail "OpenServiceMesh.vault.kubernetesRole is required with OpenServiceMesh.vault.authMethod=kubernetes: the Vault role bound to this control plane's service account (osm-controller)" }}
{{- end }}
{{- end }}
{{- if and (eq $vault.authMethod "kubernetes") $hasToken }}
{{- fail "a Vault token is configured (OpenServiceMesh.vault.token or vaultToken.existingSecret) but OpenServiceMesh.vault.authMethod=kubernetes logs in without one: remove the token or use authMethod=token" }}
{{- end }}
{{- if and $vault.token .Values.vaultToken.existingSecret }}
{{- fail "set either OpenServiceMesh.vault.token or vaultToken.existingSecret, not both" }}
{{- end }}
{{- if and .Values.vaultCa.secretName .Values.vaultCa.configMapName }}
{{- fail "set either vaultCa.secretName or vaultCa.configMapName, not both" }}
{{- end }}
{{- if and (or .Values.vaultCa.secretName .Values.vaultCa.configMapName) $vault.caFile }}
{{- fail "vaultCa mounts the Vault CA file and sets OpenServiceMesh.vault.caFile itself: leave OpenServiceMesh.vault.caFile empty" }}
{{- end }}
{{- if and (or .Values.vaultCa.secretName .Values.vaultCa.configMapName $vault.caFile) (ne $vault.protocol "https") }}
{{- fail "a Vault CA file is only used over HTTPS: --set OpenServiceMesh.vault.protocol=https" }}
{{- end }}
{{- $webhook := .Values.OpenServiceMesh.webhook }}
{{- if and .Values.webhookClientCa.secretName .Values.webhookClientCa.configMapName }}
{{- fail "set either webhookClientCa.secretName or webhookClientCa.configMapName, not both" }}
{{- end }}
{{- if and (or .Values.webhookClientCa.secretName .Values.webhookClientCa.configMapName) $webhook.clientCaFile }}
{{- fail "webhookClientCa mounts the client CA file and sets OpenServiceMesh.webhook.clientCaFile itself: leave OpenServiceMesh.webhook.clientCaFile empty" }}
{{- end }}
{{- if and $webhook.clientNames (not (or .Values.webhookClientCa.secretName .Values.webhookClientCa.configMapName $webhook.clientCaFile)) }}
{{- fail "OpenServiceMesh.webhook.clientNames are checked on client certificates only: set webhookClientCa.secretName or webhookClientCa.configMapName too" }}
{{- end }}
{{- end }}

{{/* The directory where the webhook client CA file is mounted. */}}
{{- define "osm.webhookClientCaDir" -}}/etc/osm/webhook-client-ca{{- end }}

{{/* The directory where the Vault CA file is mounted. */}}
{{- define "osm.vaultCaDir" -}}/etc/osm/vault-ca{{- end }}

{{/* Whether the validator's match condition (Kubernetes 1.28+) is available. */}}
{{- define "osm.hasMatchConditions" -}}
{{- if semverCompare ">=1.28-0" .Capabilities.KubeVersion.Version -}}true{{- end -}}
{{- end }}
