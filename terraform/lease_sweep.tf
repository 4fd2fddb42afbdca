# The Rekognition slot sweep. A job's end frees its slot and wakes the oldest waiting execution, and every start
# or job end also reconciles leases past their time (dev.vidmeta.analysis.AnalysisAdmission). When nothing else
# happens, for example after the last notification of a burst was lost, this schedule runs the same drain: the
# callback function receives EventBridge's "Scheduled Event" and reconciles expired leases against Rekognition's
# Get* status, then wakes waiters. Schedules: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-rule-schedule.html
# EventBridge invokes the function asynchronously, so a sweep that still fails after Lambda's retries lands, as a
# failed notification does, in the callback's on-failure queue and raises its alarm (callback_failures.tf).

resource "aws_cloudwatch_event_rule" "lease_sweep" {
  count = var.lease_sweep_minutes > 0 ? 1 : 0

  name                = "${var.name_prefix}-lease-sweep"
  description         = "Reconciles expired Rekognition job slot leases of vidmeta and wakes waiting executions."
  schedule_expression = var.lease_sweep_minutes == 1 ? "rate(1 minute)" : "rate(${var.lease_sweep_minutes} minutes)"
}

resource "aws_cloudwatch_event_target" "lease_sweep" {
  count = var.lease_sweep_minutes > 0 ? 1 : 0

  rule = aws_cloudwatch_event_rule.lease_sweep[0].name
  arn  = aws_lambda_alias.live["rekognition_callback"].arn
}

# EventBridge invokes the function through its resource-based policy:
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-lambda-permissions
resource "aws_lambda_permission" "lease_sweep_invokes_callback" {
  count = var.lease_sweep_minutes > 0 ? 1 : 0

  statement_id  = "AllowLeaseSweepSchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.task["rekognition_callback"].function_name
  qualifier     = aws_lambda_alias.live["rekognition_callback"].name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.lease_sweep[0].arn
}
