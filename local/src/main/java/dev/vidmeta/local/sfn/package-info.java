/**
 * Local AWS Step Functions: an interpreter for JSONata Amazon States Language definitions behind the service's
 * JSON 1.0 HTTP API.
 *
 * <p>Entry point: {@link dev.vidmeta.local.sfn.LocalStepFunctions#start}, given the
 * {@link dev.vidmeta.local.lambda.LambdaInvoker} that runs {@code arn:aws:states:::lambda:invoke} tasks.
 * Definitions pass through {@link dev.vidmeta.local.sfn.Templates#render} (Terraform templatefile()
 * placeholders) before CreateStateMachine; anything the engine cannot run faithfully is rejected there with
 * {@code InvalidDefinition}.
 *
 * <p>Benchmark (prints start-up time, per-transition overhead and 1,000 concurrent executions), in bench/:
 * {@code bench/run-bench dev.vidmeta.local.sfn.SfnBenchmark [1000]}.
 */
package dev.vidmeta.local.sfn;
