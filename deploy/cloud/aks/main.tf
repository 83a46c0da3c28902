# AKS: Diagnostic Setting → Event Hub (+ consumer group) and the Blob container for checkpoints, plus the
# workload identity the subscriber runs as.
#   terraform init && terraform apply -var resource_group=rg -var aks_name=prod -var location=westeurope
# Then set client_id (output) in kubernetes/aks/serviceaccount.yaml and the names in kubernetes/aks/config.yaml.
terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 3.100"
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

variable "name_prefix" {
  type    = string
  default = "auditbridge"
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

resource "azurerm_eventhub_namespace_authorization_rule" "diagnostics" {
  name                = "diagnostic-settings-send"
  namespace_name      = azurerm_eventhub_namespace.audit.name
  resource_group_name = var.resource_group
  listen              = false
  send                = true
  manage              = true
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
  name                     = replace("${var.name_prefix}ckpt", "-", "")
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

# Workload identity: a user-assigned identity trusted for system:serviceaccount:auditbridge:auditbridge-aks.
resource "azurerm_user_assigned_identity" "bridge" {
  name                = "${var.name_prefix}-aks"
  location            = var.location
  resource_group_name = var.resource_group
}

resource "azurerm_federated_identity_credential" "bridge" {
  name                = "auditbridge-aks"
  resource_group_name = var.resource_group
  parent_id           = azurerm_user_assigned_identity.bridge.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = data.azurerm_kubernetes_cluster.aks.oidc_issuer_url
  subject             = "system:serviceaccount:auditbridge:auditbridge-aks"
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
