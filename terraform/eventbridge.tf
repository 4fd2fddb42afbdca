# S3 "Object Created" and "Object Deleted" -> EventBridge rule -> Step Functions StartExecution, with retries
# and a DLQ. A deletion marks the object's record DELETED ("Mark Deleted" in the state machine). The resource
# keeps its object_created name so that an existing deployment updates the rule in place.
#
# The rule pattern is the SAME file the local runtime matches events against (event-ruler), rendered the
# same way, so local and cloud cannot drift apart. TerraformMatchesCodeTest checks that this is so.

locals {
  rule_pattern_file = "${path.module}/../events/object-created-rule.json"
}

resource "aws_cloudwatch_event_rule" "object_created" {
  name        = "${var.name_prefix}-object-created"
  description = "S3 Object Created or Object Deleted in ${local.source_bucket_name} starts the vidmeta state machine."
  event_pattern = templatefile(local.rule_pattern_file, {
    source_bucket_name = local.source_bucket_name
  })
}

resource "aws_cloudwatch_event_target" "state_machine" {
  rule     = aws_cloudwatch_event_rule.object_created.name
  arn      = aws_sfn_state_machine.pipeline.arn
  role_arn = aws_iam_role.events.arn

  # The event goes in unchanged: the state machine's input is the EventBridge event itself.

  retry_policy {
    maximum_retry_attempts       = var.event_maximum_retry_attempts
    maximum_event_age_in_seconds = var.event_maximum_age_seconds
  }

  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
  dead_letter_config {
    arn = aws_sqs_queue.events_dlq.arn
  }
}

resource "aws_sqs_queue" "events_dlq" {
  name                      = "${var.name_prefix}-events-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
}

data "aws_iam_policy_document" "events_dlq" {
  # EventBridge needs a queue policy to deliver undeliverable events:
  # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events_dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.object_created.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "events_dlq" {
  queue_url = aws_sqs_queue.events_dlq.id
  policy    = data.aws_iam_policy_document.events_dlq.json
}
