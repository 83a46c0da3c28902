# EKS via Amazon Data Firehose: subscription filter on the cluster's log group → Firehose stream → HTTP
# endpoint (the chart's eks-firehose source behind its ALB Ingress). Records Firehose could
# not deliver within the retry duration land in the S3 backup bucket.
#   terraform init && terraform apply -var cluster_name=CLUSTER -var region=REGION \
#     -var endpoint_url=https://firehose.auditbridge.example.com/firehose -var access_key=$ACCESS_KEY
# The same access key goes into the release's Secret, key firehose-access-key (deploy/README.md, EKS).
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
}

variable "region" {
  type = string
}

variable "endpoint_url" {
  type        = string
  description = "Public HTTPS URL of the receiver, path /firehose."
}

variable "access_key" {
  type        = string
  sensitive   = true
  description = "Sent by Firehose as X-Amz-Firehose-Access-Key; checked by the receiver."
}

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  log_group = "/aws/eks/${var.cluster_name}/cluster"
}

resource "aws_s3_bucket" "failed" {
  bucket_prefix = "auditbridge-firehose-failed-"
}

resource "aws_iam_role" "firehose" {
  name = "auditbridge-firehose-${var.cluster_name}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "firehose.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "firehose_backup" {
  role = aws_iam_role.firehose.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetBucketLocation", "s3:ListBucket", "s3:AbortMultipartUpload"]
      Resource = [aws_s3_bucket.failed.arn, "${aws_s3_bucket.failed.arn}/*"]
    }]
  })
}

# Records are the CloudWatch Logs subscription payloads (gzip); the receiver unwraps them itself, so no
# Firehose processing is configured.
resource "aws_kinesis_firehose_delivery_stream" "audit" {
  name        = "auditbridge-${var.cluster_name}"
  destination = "http_endpoint"

  http_endpoint_configuration {
    name               = "auditbridge"
    url                = var.endpoint_url
    access_key         = var.access_key
    buffering_size     = 1
    buffering_interval = 60
    retry_duration     = 3600
    role_arn           = aws_iam_role.firehose.arn
    s3_backup_mode     = "FailedDataOnly"

    s3_configuration {
      role_arn   = aws_iam_role.firehose.arn
      bucket_arn = aws_s3_bucket.failed.arn
    }

    request_configuration {
      content_encoding = "GZIP"
    }
  }
}

resource "aws_iam_role" "logs_to_firehose" {
  name = "auditbridge-logs-to-firehose-${var.cluster_name}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "logs.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "logs_to_firehose" {
  role = aws_iam_role.logs_to_firehose.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["firehose:PutRecord", "firehose:PutRecordBatch"], Resource = aws_kinesis_firehose_delivery_stream.audit.arn }]
  })
}

resource "aws_cloudwatch_log_subscription_filter" "audit" {
  name            = "auditbridge-firehose"
  log_group_name  = local.log_group
  filter_pattern  = ""
  destination_arn = aws_kinesis_firehose_delivery_stream.audit.arn
  role_arn        = aws_iam_role.logs_to_firehose.arn
}
