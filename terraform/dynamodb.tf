# The record table (one item per S3 object) and the task-token table (Rekognition JobId -> task token).
# Keys, attribute names and indexes are exactly those the pipeline's code creates locally
# (TerraformMatchesCodeTest compares them with the code's CreateTable requests). Encryption at rest is
# always on (AWS owned key); a customer managed key would need kms:* in every function's policy.

resource "aws_dynamodb_table" "record" {
  name         = "${var.name_prefix}-records"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  attribute {
    name = "uploadDate"
    type = "S"
  }

  attribute {
    name = "uploadedAt"
    type = "S"
  }

  global_secondary_index {
    name            = "byStatus"
    hash_key        = "status"
    range_key       = "uploadedAt"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "byUploadDate"
    hash_key        = "uploadDate"
    range_key       = "uploadedAt"
    projection_type = "ALL"
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_dynamodb_table" "task_token" {
  name         = "${var.name_prefix}-task-tokens"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "jobId"

  attribute {
    name = "jobId"
    type = "S"
  }

  # Tokens outlive no execution: DynamoDB deletes the item after this epoch-seconds attribute.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }
}
