# EKS: what the CloudWatch Logs poller needs on the AWS side.
#   terraform init && terraform apply -var cluster_name=prod -var region=eu-west-1
# Then install the chart with serviceAccount.annotations."eks\.amazonaws\.com/role-arn" = output role_arn (IRSA).
# Names carry the cluster name: a second cluster in the same account gets its own role and policy.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "cluster_name" {
  type = string
  validation {
    # IAM role names are at most 64 characters: "auditbridge-" + the cluster name.
    condition     = can(regex("^[0-9A-Za-z][0-9A-Za-z_-]{0,51}$", var.cluster_name))
    error_message = "cluster_name: the EKS cluster name (letters, digits, - and _; at most 52 characters here)."
  }
}

variable "region" {
  type = string
}

variable "k8s_namespace" {
  type    = string
  default = "auditbridge"
}

variable "k8s_service_account" {
  type        = string
  default     = "auditbridge-eks"
  description = "The chart's ServiceAccount: the release name (helm upgrade --install auditbridge-eks …)."
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

data "aws_eks_cluster" "this" {
  name = var.cluster_name
}

# Audit logs must be enabled on the cluster (control plane logging "audit"). If Terraform does not manage
# the cluster: aws eks update-cluster-config --name CLUSTER --logging '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'

locals {
  log_group_arn = "arn:aws:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:/aws/eks/${var.cluster_name}/cluster"
  oidc_issuer   = replace(data.aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
}

# Read-only: FilterLogEvents on the cluster's log group (the poller), nothing else.
resource "aws_iam_policy" "read_audit_logs" {
  name = "auditbridge-${var.cluster_name}-read-audit-logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:FilterLogEvents", "logs:DescribeLogStreams"]
      Resource = [local.log_group_arn, "${local.log_group_arn}:*"]
    }]
  })
}

# IRSA: the cluster's OIDC provider (create it once per cluster with eksctl utils associate-iam-oidc-provider).
data "aws_iam_openid_connect_provider" "cluster" {
  url = data.aws_eks_cluster.this.identity[0].oidc[0].issuer
}

resource "aws_iam_role" "bridge" {
  name = "auditbridge-${var.cluster_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = data.aws_iam_openid_connect_provider.cluster.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "${local.oidc_issuer}:sub" = "system:serviceaccount:${var.k8s_namespace}:${var.k8s_service_account}"
          "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
        }
      }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "bridge" {
  role       = aws_iam_role.bridge.name
  policy_arn = aws_iam_policy.read_audit_logs.arn
}

output "role_arn" {
  value = aws_iam_role.bridge.arn
}

# The subscription filter (push instead of poll) belongs to the Lambda variant:
# deploy/serverless/eks-lambda/template.yaml creates it together with the function.
