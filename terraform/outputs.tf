# Outputs, named <thing>_<attr>. The *_command outputs are ready to paste from the repository root.

output "state_machine_arn" {
  description = "ARN of the vidmeta state machine."
  value       = aws_sfn_state_machine.pipeline.arn
}

output "source_bucket_name" {
  description = "Bucket whose uploads start the pipeline."
  value       = local.source_bucket_name
}

output "results_bucket_name" {
  description = "Bucket holding the full MediaInfo and Rekognition JSON (under results_prefix)."
  value       = aws_s3_bucket.results.bucket
}

output "record_table_name" {
  description = "DynamoDB table with one record per S3 object."
  value       = aws_dynamodb_table.record.name
}

output "task_token_table_name" {
  description = "DynamoDB table mapping Rekognition JobIds to waiting task tokens."
  value       = aws_dynamodb_table.task_token.name
}

output "rekognition_topic_arn" {
  description = "SNS topic Rekognition publishes job completions to."
  value       = aws_sns_topic.rekognition.arn
}

output "events_dlq_url" {
  description = "Dead-letter queue of events EventBridge could not deliver to the state machine."
  value       = aws_sqs_queue.events_dlq.url
}

output "rekognition_callback_dlq_url" {
  description = "Dead-letter queue of Rekognition notifications SNS could not deliver to the callback function."
  value       = aws_sqs_queue.sns_dlq.url
}

output "callback_failure_queue_url" {
  description = "On-failure destination of the callback function: Rekognition notifications it failed to handle after Lambda's retries (`vidmeta callbacks`)."
  value       = aws_sqs_queue.callback_failures.url
}

output "callback_failure_queue_arn" {
  description = "ARN of the callback function's on-failure destination queue."
  value       = aws_sqs_queue.callback_failures.arn
}

output "callback_failure_alarm_name" {
  description = "CloudWatch alarm on the callback failure queue's depth."
  value       = aws_cloudwatch_metric_alarm.callback_failures.alarm_name
}

output "function_names" {
  description = "Lambda function names, by role in the pipeline."
  value       = { for k, f in aws_lambda_function.task : k => f.function_name }
}

output "upload_command" {
  description = "Upload the sample video to start an execution (from the repository root)."
  value       = "aws s3 cp ./samples/sample.mp4 s3://${local.source_bucket_name}/${length(var.watched_prefixes) > 0 ? var.watched_prefixes[0] : ""}sample.mp4"
}

output "watch_command" {
  description = "Watch every execution live."
  value       = "AWS_REGION=${data.aws_region.current.region} ./vidmeta watch --all --state-machine-arn ${aws_sfn_state_machine.pipeline.arn}"
}

output "replay_command" {
  description = "Redrive (or restart) the executions that failed in the last 7 days."
  value       = "AWS_REGION=${data.aws_region.current.region} ./vidmeta replay --status FAILED --since 7d --state-machine-arn ${aws_sfn_state_machine.pipeline.arn}"
}
