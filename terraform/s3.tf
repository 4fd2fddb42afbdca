# Source bucket (new, or an existing one by name) and the results bucket.
#
# Loop safety: the EventBridge rule (eventbridge.tf) matches only the source bucket, and results always go to
# a separate bucket with no EventBridge delivery, so nothing the pipeline writes can start an execution.
# The state machine's "Check Object" state also skips the results location, as a second guard.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  create_source_bucket = var.source_bucket_name == null
  source_bucket_name   = local.create_source_bucket ? aws_s3_bucket.source[0].bucket : data.aws_s3_bucket.existing_source[0].bucket
  source_bucket_arn    = local.create_source_bucket ? aws_s3_bucket.source[0].arn : data.aws_s3_bucket.existing_source[0].arn

  # Objects the pipeline may read: the watched prefixes, or the whole bucket when none are set.
  source_object_arns = length(var.watched_prefixes) == 0 ? ["${local.source_bucket_arn}/*"] : [for p in var.watched_prefixes : "${local.source_bucket_arn}/${p}*"]
  # The same as s3:prefix patterns (the probe's s3:ListBucket).
  source_prefix_patterns = [for p in var.watched_prefixes : "${p}*"]
  # The SSE-KMS key of the source objects, as a zero- or one-element list for dynamic IAM statements.
  source_kms_key_arns = var.source_kms_key_arn == null ? [] : [var.source_kms_key_arn]
  # Everything the pipeline writes.
  results_object_arn = "${aws_s3_bucket.results.arn}/${var.results_prefix}*"

  results_bucket_name = coalesce(var.results_bucket_name, "${var.name_prefix}-results-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.region}")

  # Buckets whose encryption, public access and TLS-only policy this configuration owns.
  hardened_buckets = merge(
    { results = aws_s3_bucket.results },
    local.create_source_bucket ? { source = aws_s3_bucket.source[0] } : {},
  )
}

data "aws_s3_bucket" "existing_source" {
  count  = local.create_source_bucket ? 0 : 1
  bucket = var.source_bucket_name
}

resource "aws_s3_bucket" "source" {
  count         = local.create_source_bucket ? 1 : 0
  bucket_prefix = "${var.name_prefix}-source-"
  force_destroy = var.force_destroy_buckets
}

# Versioning lets the pipeline analyse the exact version that was uploaded (the record keeps its version-id)
# and keeps an overwritten video recoverable.
resource "aws_s3_bucket_versioning" "source" {
  count  = local.create_source_bucket ? 1 : 0
  bucket = aws_s3_bucket.source[0].id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket" "results" {
  bucket        = local.results_bucket_name
  force_destroy = var.force_destroy_buckets

  lifecycle {
    precondition {
      condition     = var.source_bucket_name != local.results_bucket_name
      error_message = "results_bucket_name must differ from source_bucket_name: results written into the watched bucket would start new executions."
    }
  }
}

# EventBridge delivery of "Object Created" events: https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html
resource "aws_s3_bucket_notification" "source" {
  count       = var.manage_source_bucket_notification ? 1 : 0
  bucket      = local.source_bucket_name
  eventbridge = true
}

resource "aws_s3_bucket_server_side_encryption_configuration" "hardened" {
  for_each = local.hardened_buckets
  bucket   = each.value.id

  rule {
    apply_server_side_encryption_by_default {
      # SSE-S3 for the buckets created here. An existing SSE-KMS source bucket works too: see source_kms_key_arn.
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "hardened" {
  for_each = local.hardened_buckets
  bucket   = each.value.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "hardened" {
  for_each = local.hardened_buckets
  bucket   = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

data "aws_iam_policy_document" "tls_only" {
  for_each = local.hardened_buckets

  # Deny plain HTTP: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [each.value.arn, "${each.value.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "tls_only" {
  for_each = local.hardened_buckets
  bucket   = each.value.id
  policy   = data.aws_iam_policy_document.tls_only[each.key].json

  # A bucket policy put before the public access block could be judged public; order them.
  depends_on = [aws_s3_bucket_public_access_block.hardened]
}
