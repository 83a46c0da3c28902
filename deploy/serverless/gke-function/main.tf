# GKE Cloud Function variant: Log Router sink → Pub/Sub topic → Cloud Function (2nd gen, Java 21) → webhook.
# The function fails the invocation when delivery fails, and the trigger's retry policy makes Pub/Sub
# redeliver: nothing is acknowledged before the sink answered.
#   ./mvnw -B -q -pl bridge-gke -am package -DskipTests
#   (cd bridge-gke/target && zip function.zip bridge-gke.jar)
#   terraform init && terraform apply -var project_id=P -var region=europe-west1 -var sink_url=https://... -var sink_token=$TOKEN
# The first token version is created here (the function mounts "latest", which must exist before it
# deploys); rotate later with: printf %s "$NEW" | gcloud secrets versions add auditbridge-sink-token --data-file=-
terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0"
    }
  }
}

variable "project_id" {
  type = string
}

variable "region" {
  type = string
}

variable "sink_url" {
  type        = string
  description = "Webhook URL (Falco k8saudit, detector serve /k8s-audit)."
}

variable "function_zip" {
  type    = string
  default = "../../../bridge-gke/target/function.zip"
}

variable "entry_point" {
  type        = string
  default     = "io.auditbridge.gke.GkeAuditFunction"
  description = "The bridge-gke Cloud Function class (see bridge-gke/README.md)."
}

variable "sink_token" {
  type        = string
  sensitive   = true
  description = "Bearer token for the webhook: the secret's first version (kept in the Terraform state; rotate with gcloud)."
}

provider "google" {
  project = var.project_id
  region  = var.region
}

data "google_project" "this" {}

# A new project has none of these enabled; the function's build and deployment fail without them.
# Left enabled on destroy: other workloads of the project may use them.
resource "google_project_service" "required" {
  for_each = toset([
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "eventarc.googleapis.com",
    "pubsub.googleapis.com",
    "logging.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
    "iam.googleapis.com",
  ])
  service            = each.value
  disable_on_destroy = false
}

resource "google_pubsub_topic" "audit" {
  name                       = "auditbridge-gke-audit"
  message_retention_duration = "86400s"
  depends_on                 = [google_project_service.required]
}

# Same selection as the poller: Kubernetes API audit entries of every GKE cluster in the project.
resource "google_logging_project_sink" "audit" {
  name                   = "auditbridge-gke-audit"
  destination            = "pubsub.googleapis.com/${google_pubsub_topic.audit.id}"
  filter                 = "resource.type=\"k8s_cluster\" AND protoPayload.serviceName=\"k8s.io\" AND logName:\"cloudaudit.googleapis.com%2Factivity\""
  unique_writer_identity = true
}

resource "google_pubsub_topic_iam_member" "sink_publisher" {
  topic  = google_pubsub_topic.audit.id
  role   = "roles/pubsub.publisher"
  member = google_logging_project_sink.audit.writer_identity
}

resource "google_secret_manager_secret" "sink_token" {
  secret_id = "auditbridge-sink-token"
  replication {
    auto {}
  }
  depends_on = [google_project_service.required]
}

# The function mounts version "latest": it must exist before the function deploys. Later rotations are
# versions added with gcloud; Terraform does not roll them back.
resource "google_secret_manager_secret_version" "sink_token" {
  secret      = google_secret_manager_secret.sink_token.id
  secret_data = var.sink_token
  lifecycle {
    ignore_changes = [secret_data]
  }
}

resource "google_service_account" "function" {
  account_id   = "auditbridge-gke-fn"
  display_name = "auditbridge GKE Cloud Function"
  depends_on   = [google_project_service.required]
}

resource "google_secret_manager_secret_iam_member" "function_reads_token" {
  secret_id = google_secret_manager_secret.sink_token.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.function.email}"
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project_id}-auditbridge-fn"
  location                    = var.region
  uniform_bucket_level_access = true
}

resource "google_storage_bucket_object" "source" {
  name   = "bridge-gke-${filemd5(var.function_zip)}.zip"
  bucket = google_storage_bucket.source.name
  source = var.function_zip
}

resource "google_cloudfunctions2_function" "bridge" {
  name     = "auditbridge-gke"
  location = var.region

  build_config {
    runtime     = "java21"
    entry_point = var.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory                 = "1Gi"
    timeout_seconds                  = 120
    max_instance_count               = 10
    max_instance_request_concurrency = 1
    service_account_email            = google_service_account.function.email
    environment_variables = {
      AUDITBRIDGE_SINK            = var.sink_url
      AUDITBRIDGE_SINK_TOKEN_FILE = "/etc/secrets/auditbridge/token"
    }
    # Mounted as a file, not an environment variable: the sink re-reads it, so a rotated token ("latest")
    # is picked up without redeploying.
    secret_volumes {
      mount_path = "/etc/secrets/auditbridge"
      project_id = var.project_id
      secret     = google_secret_manager_secret.sink_token.secret_id
      versions {
        version = "latest"
        path    = "token"
      }
    }
  }

  depends_on = [
    google_project_service.required,
    google_secret_manager_secret_version.sink_token,
    google_secret_manager_secret_iam_member.function_reads_token,
  ]

  event_trigger {
    trigger_region        = var.region
    event_type            = "google.cloud.pubsub.topic.v1.messagePublished"
    pubsub_topic          = google_pubsub_topic.audit.id
    retry_policy          = "RETRY_POLICY_RETRY"
    service_account_email = google_service_account.function.email
  }
}

# Eventarc invokes the function as this service account.
resource "google_project_iam_member" "function_invoker" {
  project = var.project_id
  role    = "roles/run.invoker"
  member  = "serviceAccount:${google_service_account.function.email}"
}
