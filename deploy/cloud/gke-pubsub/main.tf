# GKE at scale: Log Router sink(s) -> Pub/Sub topic -> subscription pulled by `bridge-gke run --source pubsub`
# replicas (no read quota, no Lease: Pub/Sub spreads the messages over the replicas).
#   terraform init && terraform apply -var project_id=P
# Then run the Deployment with AUDITBRIDGE_SOURCE=pubsub and AUDITBRIDGE_SUBSCRIPTION=<output subscription>, its
# Kubernetes service account annotated with iam.gke.io/gcp-service-account=<output gsa_email>.
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project_id" {
  type        = string
  description = "Project that holds the topic, the subscription and the bridge's service account."
}

variable "source_projects" {
  type        = list(string)
  default     = []
  description = "Projects whose GKE clusters' audit entries are routed to the topic (one sink each); empty: project_id only."
}

variable "data_access" {
  type        = bool
  default     = false
  description = "Also route the data_access log (get/list/watch; Data Access audit logs must be enabled for k8s.io)."
}

variable "k8s_namespace" {
  type    = string
  default = "auditbridge"
}

variable "k8s_service_account" {
  type    = string
  default = "auditbridge-gke-pubsub"
}

variable "ack_deadline_seconds" {
  type        = number
  default     = 60
  description = "First lease of a pulled message; the bridge extends it (--ack-extension-step) while delivery runs."
}

variable "message_retention" {
  type        = string
  default     = "604800s"
  description = "How long unacked messages are kept (7 days, the maximum): the outage the bridge can sit out."
}

variable "max_delivery_attempts" {
  type        = number
  default     = 100
  description = "Deliveries before Pub/Sub moves a message to the dead-letter topic (5..100). The bridge acks bad input itself; this net catches what keeps failing."
}

provider "google" {
  project = var.project_id
}

data "google_project" "this" {}

locals {
  projects    = length(var.source_projects) > 0 ? toset(var.source_projects) : toset([var.project_id])
  activity    = "log_id(\"cloudaudit.googleapis.com/activity\")"
  data_access = "log_id(\"cloudaudit.googleapis.com/data_access\")"
  audit_logs  = var.data_access ? "(${local.activity} OR ${local.data_access})" : local.activity
  # Kubernetes API audit entries only: the same selection as the poller, without timestamps.
  filter = "resource.type=\"k8s_cluster\" AND protoPayload.serviceName=\"k8s.io\" AND ${local.audit_logs}"
  # Pub/Sub's own service agent moves messages to the dead-letter topic.
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

resource "google_pubsub_topic" "audit" {
  name = "auditbridge-gke-audit"
}

resource "google_pubsub_topic" "dead_letter" {
  name = "auditbridge-gke-audit-dead-letter"
}

# Keeps what reaches the dead-letter topic (a topic without a subscription drops messages).
resource "google_pubsub_subscription" "dead_letter" {
  name                       = "auditbridge-gke-audit-dead-letter"
  topic                      = google_pubsub_topic.dead_letter.id
  message_retention_duration = var.message_retention
  expiration_policy {
    ttl = ""
  }
}

resource "google_logging_project_sink" "audit" {
  for_each               = local.projects
  project                = each.value
  name                   = "auditbridge-gke-audit"
  destination            = "pubsub.googleapis.com/${google_pubsub_topic.audit.id}"
  filter                 = local.filter
  unique_writer_identity = true
}

# Each sink's writer identity may publish, nothing else.
resource "google_pubsub_topic_iam_member" "sink_publisher" {
  for_each = local.projects
  topic    = google_pubsub_topic.audit.id
  role     = "roles/pubsub.publisher"
  member   = google_logging_project_sink.audit[each.key].writer_identity
}

resource "google_pubsub_subscription" "bridge" {
  name                       = "auditbridge-gke-audit-bridge"
  topic                      = google_pubsub_topic.audit.id
  ack_deadline_seconds       = var.ack_deadline_seconds
  message_retention_duration = var.message_retention
  retain_acked_messages      = false

  # A nacked message (delivery gave up, replica stopping) comes back after a growing pause, not at once.
  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.dead_letter.id
    max_delivery_attempts = var.max_delivery_attempts
  }

  # Never delete the subscription for inactivity (a stopped bridge must find its backlog).
  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.dead_letter.id
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_forwarder" {
  subscription = google_pubsub_subscription.bridge.id
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

resource "google_service_account" "bridge" {
  account_id   = "auditbridge-gke-pubsub"
  display_name = "auditbridge GKE Pub/Sub subscriber"
}

# Pull and ack on this subscription only.
resource "google_pubsub_subscription_iam_member" "bridge_subscriber" {
  subscription = google_pubsub_subscription.bridge.id
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.bridge.email}"
}

# GetSubscription for /readyz (is the subscription reachable?); without it readiness sees only the pull.
resource "google_pubsub_subscription_iam_member" "bridge_viewer" {
  subscription = google_pubsub_subscription.bridge.id
  role         = "roles/pubsub.viewer"
  member       = "serviceAccount:${google_service_account.bridge.email}"
}

# Workload Identity: the Kubernetes service account may act as this account.
resource "google_service_account_iam_member" "workload_identity" {
  service_account_id = google_service_account.bridge.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.k8s_namespace}/${var.k8s_service_account}]"
}

output "subscription" {
  description = "AUDITBRIDGE_SUBSCRIPTION of the Deployment."
  value       = google_pubsub_subscription.bridge.id
}

output "gsa_email" {
  value = google_service_account.bridge.email
}

output "dead_letter_subscription" {
  description = "Where messages Pub/Sub gave up on are kept (pull them to inspect or replay)."
  value       = google_pubsub_subscription.dead_letter.id
}
