# AKS: Diagnostic Setting → Event Hub (+ consumer group) and the Blob container for checkpoints, plus the
# workload identity the subscriber runs as.
#   terraform init && terraform apply -var resource_group=rg -var aks_name=prod -var location=westeurope -var name_prefix=abprod1
# name_prefix makes the globally unique names (Event Hubs namespace, storage account): pick one per cluster.
# Then install the chart with the outputs (deploy/README.md, AKS): client_id, eventhub_namespace_fqdn,
# checkpoint_container_url.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.100, < 5.0"
    }
  }
}

variable "resource_group" {
  type = string
}

variable "aks_name" {
  type = string
}

variable "location" {
  type = string
}

# Required, no default: the Event Hubs namespace (<prefix>-ehns, *.servicebus.windows.net) and the storage
# account (<prefix>ckpt, *.blob.core.windows.net) are names in Azure-wide namespaces; a shared default
# collides with everyone else who kept it.
variable "name_prefix" {
  type        = string
  description = "Lowercase letters and digits, 3-20 characters, starting with a letter; unique to you (e.g. company + cluster)."
  validation {
    condition     = can(regex("^[a-z][a-z0-9]{2,19}$", var.name_prefix))
    error_message = "name_prefix: 3-20 lowercase letters or digits, starting with a letter (storage account names allow nothing else)."
  }
}

variable "k8s_namespace" {
  type    = string
  default = "auditbridge"
}

variable "k8s_service_account" {
  type        = string
  default     = "auditbridge-aks"
  description = "The chart's ServiceAccount: the release name (helm upgrade --install auditbridge-aks …)."
}

provider "azurerm" {
  features {}
}

data "azurerm_kubernetes_cluster" "aks" {
  name                = var.aks_name
  resource_group_name = var.resource_group
}

resource "azurerm_eventhub_namespace" "audit" {
  name                = "${var.name_prefix}-ehns"
  location            = var.location
  resource_group_name = var.resource_group
  sku                 = "Standard"
  capacity            = 1
}

# Partitions bound how many subscriber replicas can share the work (scale out).
resource "azurerm_eventhub" "audit" {
  name                = "aks-audit"
  namespace_name      = azurerm_eventhub_namespace.audit.name
  resource_group_name = var.resource_group
  partition_count     = 4
  message_retention   = 7
}

# Our own consumer group: $Default is often used by other readers.
resource "azurerm_eventhub_consumer_group" "bridge" {
  name                = "auditbridge"
  namespace_name      = azurerm_eventhub_namespace.audit.name
  eventhub_name       = azurerm_eventhub.audit.name
  resource_group_name = var.resource_group
}

# The rule a Diagnostic Setting writes with. Azure requires Manage on it, and Manage implies Send and Listen
# (the provider refuses manage = true without both).
resource "azurerm_eventhub_namespace_authorization_rule" "diagnostics" {
  name                = "diagnostic-settings"
  namespace_name      = azurerm_eventhub_namespace.audit.name
  resource_group_name = var.resource_group
  listen              = true
  send                = true
  manage              = true
}

# The bridge's own rule, on the hub only, for a connection string instead of workload identity
# (--eventhub-connection-string-file): it reads, nothing more.
resource "azurerm_eventhub_authorization_rule" "bridge" {
  name                = "auditbridge-listen"
  namespace_name      = azurerm_eventhub_namespace.audit.name
  eventhub_name       = azurerm_eventhub.audit.name
  resource_group_name = var.resource_group
  listen              = true
  send                = false
  manage              = false
}

# AKS control-plane audit logs into the hub. kube-audit-admin omits get/list (much smaller);
# keep both if rules need reads (the bridge dedupes events present in both).
resource "azurerm_monitor_diagnostic_setting" "aks_audit" {
  name                           = "${var.name_prefix}-audit"
  target_resource_id             = data.azurerm_kubernetes_cluster.aks.id
  eventhub_name                  = azurerm_eventhub.audit.name
  eventhub_authorization_rule_id = azurerm_eventhub_namespace_authorization_rule.diagnostics.id

  enabled_log {
    category = "kube-audit"
  }
  enabled_log {
    category = "kube-audit-admin"
  }
}

resource "azurerm_storage_account" "checkpoints" {
  name                     = "${var.name_prefix}ckpt"
  resource_group_name      = var.resource_group
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_2"
}

resource "azurerm_storage_container" "checkpoints" {
  name                  = "auditbridge-checkpoints"
  storage_account_name  = azurerm_storage_account.checkpoints.name
  container_access_type = "private"
}

# Workload identity: a user-assigned identity trusted for the chart's ServiceAccount.
resource "azurerm_user_assigned_identity" "bridge" {
  name                = "${var.name_prefix}-aks"
  location            = var.location
  resource_group_name = var.resource_group
}

resource "azurerm_federated_identity_credential" "bridge" {
  name                = "${var.name_prefix}-aks"
  resource_group_name = var.resource_group
  parent_id           = azurerm_user_assigned_identity.bridge.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = data.azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject             = "system:serviceaccount:${var.k8s_namespace}:${var.k8s_service_account}"
}

resource "azurerm_role_assignment" "eventhub_receiver" {
  scope                = azurerm_eventhub.audit.id
  role_definition_name = "Azure Event Hubs Data Receiver"
  principal_id         = azurerm_user_assigned_identity.bridge.principal_id
}

resource "azurerm_role_assignment" "checkpoint_writer" {
  scope                = azurerm_storage_container.checkpoints.resource_manager_id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.bridge.principal_id
}

output "client_id" {
  value = azurerm_user_assigned_identity.bridge.client_id
}

output "eventhub_namespace_fqdn" {
  value = "${azurerm_eventhub_namespace.audit.name}.servicebus.windows.net"
}

output "checkpoint_container_url" {
  value = "${azurerm_storage_account.checkpoints.primary_blob_endpoint}${azurerm_storage_container.checkpoints.name}"
}

# Only for --eventhub-connection-string-file (workload identity needs none): a Listen-only connection string.
output "bridge_listen_connection_string" {
  value     = azurerm_eventhub_authorization_rule.bridge.primary_connection_string
  sensitive = true
}
