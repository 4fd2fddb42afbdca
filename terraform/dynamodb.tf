# The record table (one item per S3 object) and the task-token table (Rekognition JobId -> task token).
# Keys, attributes, indexes and projections are exactly those of the code's CreateTable requests
# (dev.vidmeta.aws.RecordTable / TaskTokenTable, which the local runtime uses); TerraformMatchesCodeTest
# compares the two. Encryption at rest is always on (AWS owned key); a customer managed key would need
# kms:* in every function's policy.

resource "aws_dynamodb_table" "record" {
  name         = "${var.name_prefix}-records"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk" # "bucket/key"

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
    name = "container"
    type = "S"
  }

  attribute {
    name = "videoCodec"
    type = "S"
  }

  attribute {
    name = "uploadedAt"
    type = "S"
  }

  # Every FAILED (or SKIPPED, ...) record, newest first.
  global_secondary_index {
    name               = "status-index"
    hash_key           = "status"
    range_key          = "uploadedAt"
    projection_type    = "INCLUDE"
    non_key_attributes = ["bucket", "objectKey", "versionId", "size", "reasons", "container", "videoCodec", "durationMs", "recordedAt", "uploadDate"]
  }

  # What was uploaded on a day (yyyy-MM-dd).
  global_secondary_index {
    name               = "upload-date-index"
    hash_key           = "uploadDate"
    range_key          = "uploadedAt"
    projection_type    = "INCLUDE"
    non_key_attributes = ["bucket", "objectKey", "versionId", "size", "status", "reasons", "container", "videoCodec", "durationMs", "recordedAt"]
  }

  # By container format (MediaInfo's, e.g. MPEG-4); sparse.
  global_secondary_index {
    name               = "container-index"
    hash_key           = "container"
    range_key          = "uploadedAt"
    projection_type    = "INCLUDE"
    non_key_attributes = ["bucket", "objectKey", "versionId", "size", "status", "reasons", "videoCodec", "durationMs", "recordedAt", "uploadDate"]
  }

  # By video codec (e.g. AVC, HEVC); sparse.
  global_secondary_index {
    name               = "video-codec-index"
    hash_key           = "videoCodec"
    range_key          = "uploadedAt"
    projection_type    = "INCLUDE"
    non_key_attributes = ["bucket", "objectKey", "versionId", "size", "status", "reasons", "container", "durationMs", "recordedAt", "uploadDate"]
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_dynamodb_table" "task_token" {
  name         = "${var.name_prefix}-task-tokens"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "jobId"
  range_key    = "waiterId" # one item per execution waiting on the job

  attribute {
    name = "jobId"
    type = "S"
  }

  attribute {
    name = "waiterId"
    type = "S"
  }

  # Tokens never outlive their executions: DynamoDB deletes an item after this epoch-seconds attribute.
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }
}
