# Least privilege, one role per function: each function's policy allows exactly the AWS actions its code
# calls, on exactly the resources it touches. TerraformMatchesCodeTest derives those actions from the SDK
# calls in the compiled handlers and fails if a policy below allows more or less.
#
# Action reference for every statement: the Service Authorization Reference page linked above it.

locals {
  # Function name -> its code policy. Keys match local.functions.
  function_policies = {
    probe                = data.aws_iam_policy_document.probe.json
    start_analysis       = data.aws_iam_policy_document.start_analysis.json
    rekognition_callback = data.aws_iam_policy_document.rekognition_callback.json
    merge_record         = data.aws_iam_policy_document.merge_record.json
  }
}

data "aws_iam_policy_document" "lambda_assume" {
  # Lambda execution role trust: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "code"
  role   = aws_iam_role.function[each.key].id
  policy = local.function_policies[each.key]
}

# What the Lambda runtime itself needs, not the code: writing its own log group and X-Ray segments.
data "aws_iam_policy_document" "function_logs" {
  for_each = local.functions

  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html
  statement {
    sid       = "OwnLogGroup"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
  }

  # Active tracing: https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html#services-xray-permissions
  # X-Ray's PutTraceSegments/PutTelemetryRecords take no resource-level permissions.
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "function_logs" {
  for_each = local.functions

  name   = "runtime"
  role   = aws_iam_role.function[each.key].id
  policy = data.aws_iam_policy_document.function_logs[each.key].json
}

# --- Reading source objects: every function whose code (or whose caller's credentials) reads them ----

data "aws_iam_policy_document" "read_source_versions" {
  # The uploaded version: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  statement {
    sid       = "ReadSourceObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = local.source_object_arns
  }

  # SSE-KMS source objects: S3 decrypts them with the reader's permission on the key, asked through S3 only:
  # https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html and
  # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
  dynamic "statement" {
    for_each = local.source_kms_key_arns
    content {
      sid       = "DecryptSourceObjects"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${data.aws_region.current.region}.amazonaws.com"]
      }
    }
  }
}

data "aws_iam_policy_document" "read_source_objects" {
  # What Rekognition needs of the caller (read_source_versions), plus honest 404s for code that reads itself.
  source_policy_documents = [data.aws_iam_policy_document.read_source_versions.json]

  # Honest errors: without s3:ListBucket, S3 answers a GetObject/HeadObject of a missing (deleted) key with
  # 403 AccessDenied instead of 404 NoSuchKey ("If you don't have the s3:ListBucket permission, Amazon S3
  # returns an HTTP status code 403"): https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html and
  # https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html. Only under the watched prefixes
  # (s3:prefix: https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
  statement {
    sid       = "ListWatchedPrefixes"
    actions   = ["s3:ListBucket"]
    resources = [local.source_bucket_arn]

    dynamic "condition" {
      for_each = length(var.watched_prefixes) > 0 ? [local.source_prefix_patterns] : []
      content {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = condition.value
      }
    }
  }
}

# --- Probe Media ----------------------------------------------------------------------------------

data "aws_iam_policy_document" "probe" {
  # Ranged reads of the uploaded version (read_source_objects, above).
  source_policy_documents = [data.aws_iam_policy_document.read_source_objects.json]

  # The full MediaInfo JSON: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  statement {
    sid       = "WriteResults"
    actions   = ["s3:PutObject"]
    resources = [local.results_object_arn]
  }
}

# --- Analyze With Rekognition (start) and the SNS callback -----------------------------------------
#
# Both start Rekognition jobs and complete tasks: the start for an execution that gets its slots, the callback for
# the waiting executions a job's end wakes (dev.vidmeta.analysis.AnalysisAdmission). So both make the same calls.

data "aws_iam_policy_document" "start_analysis" {
  # The function's own reads: the object's first 64 KiB, to tell whether Rekognition Video can read its format
  # (read_source_objects, above), and the jobs' calls (start_jobs).
  source_policy_documents = [
    data.aws_iam_policy_document.read_source_objects.json,
    data.aws_iam_policy_document.start_jobs.json,
  ]
}

data "aws_iam_policy_document" "rekognition_callback" {
  # The same jobs' calls: the callback starts the jobs of the waiters a job's end wakes. It reads no object itself,
  # but Rekognition reads the video with its credentials (read_source_versions, above).
  source_policy_documents = [
    data.aws_iam_policy_document.read_source_versions.json,
    data.aws_iam_policy_document.start_jobs.json,
  ]
}

data "aws_iam_policy_document" "start_jobs" {
  # Start the configured stored-video analyses (only those of var.analyses), read a finished job's status and
  # results (no resource-level permissions for these):
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonrekognition.html
  statement {
    sid = "RekognitionJobs"
    actions = concat(
      [for op in local.configured_operations : "rekognition:Start${op}"],
      [for op in local.configured_operations : "rekognition:Get${op}"],
    )
    resources = ["*"]
  }

  # Rekognition reads the exact video version with the caller's permissions, SSE-KMS key included ("For Amazon
  # Rekognition to process an S3 object, the user must have permission to access the S3 object"):
  # https://docs.aws.amazon.com/rekognition/latest/APIReference/API_S3Object.html: each function that starts jobs
  # includes read_source_versions.

  # NotificationChannel.RoleArn is passed to Rekognition: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
  statement {
    sid       = "PassSnsRoleToRekognition"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.rekognition_sns.arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["rekognition.amazonaws.com"]
    }
  }

  # The task tokens by JobId and each job's result on its waiters; the slot leases (one conditional UpdateItem
  # each) and the waiting list (PutItem, Query for the oldest, a conditional DeleteItem to take one), all in the
  # task-token table: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
  statement {
    sid       = "TaskTokensAndSlots"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.task_token.arn]
  }

  # The full Rekognition JSON (Rekognition keeps it only 7 days):
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  statement {
    sid       = "WriteResults"
    actions   = ["s3:PutObject"]
    resources = [local.results_object_arn]
  }

  # Answer waiting tasks; SendTaskHeartbeat tells whether a waiting execution still waits before it gets a slot
  # (TaskTimedOut once it stopped): https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
  statement {
    sid       = "CompleteTask"
    actions   = ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"]
    resources = [aws_sfn_state_machine.pipeline.arn]
  }
}

# --- Merge Record ---------------------------------------------------------------------------------

data "aws_iam_policy_document" "merge_record" {
  # The conditional write of the one record, its conditional update to DELETED ("Mark Deleted"), and the
  # read that finds which reading of a deleted object's key has a record:
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
  statement {
    sid       = "WriteRecord"
    actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:GetItem"]
    resources = [aws_dynamodb_table.record.arn]
  }

  # HeadObject confirms which reading of the event's key (URL-decoded or as sent) names the object; HeadObject
  # needs s3:GetObject, and s3:GetObjectVersion with a version id, and the reading that does not name the object
  # must answer 404, not 403: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html. Whether a HEAD
  # of an SSE-KMS object asks KMS is not documented, so the key is granted as for a read (read_source_objects).
  source_policy_documents = [data.aws_iam_policy_document.read_source_objects.json]

  # Parts too large for a 400 KB item are offloaded: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
  statement {
    sid       = "OffloadToResults"
    actions   = ["s3:PutObject"]
    resources = [local.results_object_arn]
  }
}

# --- State machine --------------------------------------------------------------------------------

data "aws_iam_policy_document" "states_assume" {
  # https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}-state-machine"
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
}

data "aws_iam_policy_document" "state_machine" {
  # lambda:invoke and lambda:invoke.waitForTaskToken of the aliases the definition names:
  # https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html
  statement {
    sid       = "InvokeTasks"
    actions   = ["lambda:InvokeFunction"]
    resources = [local.alias_arns.probe, local.alias_arns.start_analysis, local.alias_arns.merge_record]
  }

  # Execution logging via CloudWatch Logs log delivery (these actions take no resource ARNs):
  # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
  statement {
    sid = "LogDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  # X-Ray tracing: https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "definition"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

# --- EventBridge target ---------------------------------------------------------------------------

data "aws_iam_policy_document" "events_assume" {
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "events" {
  name               = "${var.name_prefix}-events-start-execution"
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
}

data "aws_iam_policy_document" "events" {
  # The rule's target: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html
  statement {
    sid       = "StartExecution"
    actions   = ["states:StartExecution"]
    resources = [aws_sfn_state_machine.pipeline.arn]
  }
}

resource "aws_iam_role_policy" "events" {
  name   = "start-execution"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}
