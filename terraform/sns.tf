# Rekognition Video -> SNS -> callback Lambda.
#
# The topic name starts with "AmazonRekognition" so the configuration also works if an operator swaps the
# inline publish policy below for the AWS managed policy AmazonRekognitionServiceRole, which only allows
# topics named AmazonRekognition*: https://docs.aws.amazon.com/rekognition/latest/dg/api-video-roles.html

resource "aws_sns_topic" "rekognition" {
  name = "AmazonRekognition-${var.name_prefix}-jobs"
}

# The role Rekognition assumes to publish job completions (NotificationChannel.RoleArn).
resource "aws_iam_role" "rekognition_sns" {
  name               = "${var.name_prefix}-rekognition-sns"
  assume_role_policy = data.aws_iam_policy_document.rekognition_assume.json
}

data "aws_iam_policy_document" "rekognition_assume" {
  # Trust Rekognition, only on behalf of this account: https://docs.aws.amazon.com/rekognition/latest/dg/api-video-roles.html
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["rekognition.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "rekognition_sns" {
  # Publish to exactly our topic: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
  statement {
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.rekognition.arn]
  }
}

resource "aws_iam_role_policy" "rekognition_sns" {
  name   = "publish-job-status"
  role   = aws_iam_role.rekognition_sns.id
  policy = data.aws_iam_policy_document.rekognition_sns.json
}

resource "aws_sns_topic_subscription" "rekognition_callback" {
  topic_arn = aws_sns_topic.rekognition.arn
  protocol  = "lambda"
  endpoint  = local.alias_arns.rekognition_callback

  # Messages SNS cannot deliver (function missing, throttled past SNS's retries) land here instead of being
  # dropped: https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.sns_dlq.arn
  })
}

resource "aws_lambda_permission" "sns_invokes_callback" {
  statement_id  = "AllowRekognitionTopic"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.task["rekognition_callback"].function_name
  qualifier     = aws_lambda_alias.live["rekognition_callback"].name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.rekognition.arn
}

resource "aws_sqs_queue" "sns_dlq" {
  name                      = "${var.name_prefix}-rekognition-callback-dlq"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
}

data "aws_iam_policy_document" "sns_dlq" {
  # SNS needs a queue policy to move undeliverable messages:
  # https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.sns_dlq.arn]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_sns_topic.rekognition.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "sns_dlq" {
  queue_url = aws_sqs_queue.sns_dlq.id
  policy    = data.aws_iam_policy_document.sns_dlq.json
}
