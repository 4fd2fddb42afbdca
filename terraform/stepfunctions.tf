# The state machine: statemachine/video-metadata.asl.json rendered with templatefile() -- the one definition,
# shared with the local runtime, which fills the same ${placeholders}. Never inline it here.

locals {
  state_machine_name = "${var.name_prefix}-video-metadata"
}

resource "aws_sfn_state_machine" "pipeline" {
  name     = local.state_machine_name
  type     = "STANDARD"
  role_arn = aws_iam_role.state_machine.arn

  definition = templatefile("${path.module}/../statemachine/video-metadata.asl.json", {
    # The state machine invokes the aliases: SnapStart only applies to published versions.
    probe_function_arn          = local.alias_arns.probe
    start_analysis_function_arn = local.alias_arns.start_analysis
    merge_record_function_arn   = local.alias_arns.merge_record
    results_bucket              = aws_s3_bucket.results.bucket
    results_prefix              = var.results_prefix
    watched_prefixes            = join(",", var.watched_prefixes)
    watched_suffixes            = join(",", var.watched_suffixes)
    analysis_timeout_seconds    = var.analysis_timeout_seconds
  })

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.state_machine.arn}:*"
    level                  = var.state_machine_log_level
    include_execution_data = var.state_machine_log_execution_data
  }

  tracing_configuration {
    enabled = true
  }

  # The role's policy must exist before the first execution needs it.
  depends_on = [aws_iam_role_policy.state_machine]
}

resource "aws_cloudwatch_log_group" "state_machine" {
  # The /aws/vendedlogs/ prefix keeps the log resource policy Step Functions writes small:
  # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  name              = "/aws/vendedlogs/states/${local.state_machine_name}"
  retention_in_days = var.log_retention_days
}
