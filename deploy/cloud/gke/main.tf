# GKE: what the Cloud Logging poller needs on the Google side.
#   terraform init && terraform apply -var project_id=my-project
# Then install the chart with serviceAccount.annotations."iam\.gke\.io/gcp-service-account" = output gsa_email.
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
  description = "Project whose GKE audit logs are read (and where the cluster runs)."
}

variable "k8s_namespace" {
  type    = string
  default = "auditbridge"
}

variable "k8s_service_account" {
  type    = string
  default = "auditbridge-gke"
}

provider "google" {
  project = var.project_id
}

# GKE writes Admin Activity audit logs always; Data Access logs for k8s.io only when enabled here
# (optional: the bridge reads activity by default). Uncomment to add DATA_WRITE/DATA_READ.
# resource "google_project_iam_audit_config" "k8s" {
#   project = var.project_id
#   service = "k8s.io"
#   audit_log_config { log_type = "DATA_WRITE" }
# }

resource "google_service_account" "bridge" {
  account_id   = "auditbridge-gke"
  display_name = "auditbridge GKE audit-log reader"
}

# Read access to log entries (entries.list). Nothing else.
resource "google_project_iam_member" "logging_viewer" {
  project = var.project_id
  role    = "roles/logging.viewer"
  member  = "serviceAccount:${google_service_account.bridge.email}"
}

# Workload Identity: the Kubernetes service account auditbridge/auditbridge-gke may act as this account.
resource "google_service_account_iam_member" "workload_identity" {
  service_account_id = google_service_account.bridge.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.k8s_namespace}/${var.k8s_service_account}]"
}

output "gsa_email" {
  value = google_service_account.bridge.email
}
