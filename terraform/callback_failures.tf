# What happens when the callback function itself fails.
#
# SNS invokes the callback asynchronously ("Invoking Lambda with Amazon SNS",
# https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). Once Lambda has accepted the event, a function
# error is Lambda's to retry: twice by default, then the event is discarded unless the function has an
# on-failure destination or a DLQ ("How Lambda handles errors and retries with asynchronous invocation",
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The SNS subscription's
# dead-letter queue (sns.tf) only receives messages SNS could not hand to Lambda at all, never function errors
# ("Amazon SNS dead-letter queues", https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html).
# Without this file a throttled Get* or DynamoDB call in the callback leaves the waiting execution to its
# timeout, ending PARTIAL with no trace. `vidmeta callbacks list|redeliver` reads and re-delivers this queue.

resource "aws_sqs_queue" "callback_failures" {
  name = "${var.name_prefix}-callback-failures"
  # SQS's longest retention, 14 days: time to notice the alarm and re-deliver.
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

# The async-invoke settings of the alias SNS invokes (an event invoke config applies to one qualifier):
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html
resource "aws_lambda_function_event_invoke_config" "rekognition_callback" {
  function_name = aws_lambda_function.task["rekognition_callback"].function_name
  qualifier     = aws_lambda_alias.live["rekognition_callback"].name

  # Lambda's own default, written down: 2 retries, then the destination.
  maximum_retry_attempts = 2
  # Lambda's default too (6 hours): a notification is worth delivering as long as a task may wait for it.
  maximum_event_age_in_seconds = 21600

  # The record sent carries requestContext, requestPayload (the SNS event), responseContext and
  # responsePayload (the error): https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
  destination_config {
    on_failure {
      destination = aws_sqs_queue.callback_failures.arn
    }
  }

  # The role may send to the queue before Lambda is told to send there.
  depends_on = [aws_iam_role_policy.callback_failures]
}

data "aws_iam_policy_document" "callback_failures" {
  # Lambda sends to an asynchronous-invocation destination with the function's execution role, which needs
  # sqs:SendMessage on the queue ("Capturing records of Lambda asynchronous invocations", execution role
  # permissions: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html;
  # https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html).
  # Not in the code policy (iam.tf): the runtime sends it, not the handler's code.
  statement {
    sid       = "OnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.callback_failures.arn]
  }
}

resource "aws_iam_role_policy" "callback_failures" {
  name   = "on-failure-destination"
  role   = aws_iam_role.function["rekognition_callback"].id
  policy = data.aws_iam_policy_document.callback_failures.json
}

# Any failed callback is worth a look: alarm as soon as the queue holds a message.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
resource "aws_cloudwatch_metric_alarm" "callback_failures" {
  alarm_name          = "${var.name_prefix}-callback-failures"
  alarm_description   = "Rekognition callbacks failed after Lambda's retries; list and re-deliver them with `vidmeta callbacks`."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.callback_failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
