# Every function comes from the one jar Maven builds; each has its own role, log group, published version
# (SnapStart) and "live" alias. Callers (the state machine, SNS) always use the alias.
#
# Environment variable names are exactly the ones TaskConfig reads; TerraformMatchesCodeTest fails when
# the two sets differ in either direction.

locals {
  # Alias ARNs by function, so other files name them as local.alias_arns.<function>.
  alias_arns = { for k, a in aws_lambda_alias.live : k => a.arn }

  # Where `mvn -B package -pl tasks -am` leaves the Lambda jar, the tasks module's shaded "lambda" artifact
  # (DeployedJarIT checks it is there and self-contained; bump the version here with the pom's).
  default_jar_path = "${path.module}/../tasks/target/vidmeta-tasks-0.1.0-SNAPSHOT-lambda.jar"
  jar_path         = coalesce(var.lambda_jar_path, local.default_jar_path)

  # The analyses the code knows (dev.vidmeta.analysis.Analysis codes), each with the Rekognition Video operation
  # pair that runs it (Start<op>, then Get<op>). iam.tf grants only the pairs of var.analyses.
  # TerraformMatchesCodeTest checks both against the code (the codes, and the calls RekognitionVideoAnalyzer makes).
  rekognition_operations = {
    celebrities = "CelebrityRecognition"
    labels      = "LabelDetection"
    faces       = "FaceDetection"
    text        = "TextDetection"
    moderation  = "ContentModeration"
    segments    = "SegmentDetection"
  }
  analysis_names = keys(local.rekognition_operations)
  # The configured analyses' operations, e.g. ["CelebrityRecognition"].
  configured_operations = [for a in var.analyses : local.rekognition_operations[a.name]]
  # TaskConfig's ANALYSES format: "celebrities,labels:80".
  analyses_spec = join(",", [for a in var.analyses : a.min_confidence == null ? a.name : "${a.name}:${a.min_confidence}"])

  # Settings every function shares.
  common_environment = {
    POWERTOOLS_SERVICE_NAME = var.name_prefix
    POWERTOOLS_LOG_LEVEL    = var.log_level
  }

  # The start and the callback get the same variables: both start jobs (the callback those of the waiters a job's
  # end wakes). A slot lease lasts as long as the execution waits for the job (analysis_timeout_seconds): past
  # that wait nobody takes the job's result, so its slot is reconciled with Get* and freed.
  analysis_environment = {
    TASK_TOKEN_TABLE_NAME     = aws_dynamodb_table.task_token.name
    REKOGNITION_SNS_TOPIC_ARN = aws_sns_topic.rekognition.arn
    REKOGNITION_ROLE_ARN      = aws_iam_role.rekognition_sns.arn
    ANALYSES                  = local.analyses_spec
    REKOGNITION_JOB_SLOTS     = var.rekognition_job_slots
    REKOGNITION_LEASE_SECONDS = var.analysis_timeout_seconds
    # A stored token must outlive the wait for it; an hour's margin for a late notification.
    TASK_TOKEN_TTL_SECONDS = var.analysis_timeout_seconds + 3600
    # A finished job's results go to the results bucket.
    RESULTS_BUCKET = aws_s3_bucket.results.bucket
    RESULTS_PREFIX = var.results_prefix
  }

  functions = {
    probe = {
      description     = "Probe Media: libmediainfo over S3 ranged reads; full MediaInfo JSON to the results bucket."
      handler         = "dev.vidmeta.handler.ProbeMediaHandler::handleRequest"
      memory_mb       = 1024
      timeout_seconds = 300
      layers          = [local.mediainfo_layer_arn]
      environment = {
        RESULTS_BUCKET = aws_s3_bucket.results.bucket
        RESULTS_PREFIX = var.results_prefix
      }
    }
    start_analysis = {
      description     = "Analyze With Rekognition: leases Rekognition job slots, starts the jobs (or lists the execution as waiting) and stores the task token."
      handler         = "dev.vidmeta.handler.StartAnalysisHandler::handleRequest"
      memory_mb       = 512
      timeout_seconds = 60
      layers          = []
      environment     = local.analysis_environment
    }
    rekognition_callback = {
      description     = "SNS callback: pages Rekognition results to S3, completes the waiting task, frees the job's slot and wakes the oldest waiting execution."
      handler         = "dev.vidmeta.handler.SnsCallbackHandler::handleRequest"
      memory_mb       = 1024
      timeout_seconds = 300
      layers          = []
      environment     = local.analysis_environment
    }
    merge_record = {
      description     = "Merge Record: writes the one DynamoDB record per object, conditionally on the S3 sequencer."
      handler         = "dev.vidmeta.handler.MergeRecordHandler::handleRequest"
      memory_mb       = 512
      timeout_seconds = 60
      layers          = []
      environment = {
        RECORD_TABLE_NAME = aws_dynamodb_table.record.name
        RESULTS_BUCKET    = aws_s3_bucket.results.bucket
        RESULTS_PREFIX    = var.results_prefix
      }
    }
  }
}

resource "aws_lambda_function" "task" {
  for_each = local.functions

  function_name    = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  description      = each.value.description
  role             = aws_iam_role.function[each.key].arn
  filename         = local.jar_path
  source_code_hash = filebase64sha256(local.jar_path)
  handler          = each.value.handler
  runtime          = "java21"
  architectures    = [var.architecture]
  memory_size      = coalesce(try(var.function_settings[each.key].memory_mb, null), each.value.memory_mb)
  timeout          = coalesce(try(var.function_settings[each.key].timeout_seconds, null), each.value.timeout_seconds)
  layers           = each.value.layers

  # SnapStart needs published versions; the alias below points at the newest one.
  publish = true
  snap_start {
    apply_on = "PublishedVersions"
  }

  environment {
    variables = merge(local.common_environment, each.value.environment)
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tracing_config {
    mode = "Active"
  }

  # Logs must have a group with retention before the first invocation creates one without it.
  depends_on = [aws_iam_role_policy.function_logs]
}

resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = "live"
  description      = "The version callers use; moves on every deploy of a new jar."
  function_name    = aws_lambda_function.task[each.key].function_name
  function_version = aws_lambda_function.task[each.key].version
}

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${replace(each.key, "_", "-")}"
  retention_in_days = var.log_retention_days
}
