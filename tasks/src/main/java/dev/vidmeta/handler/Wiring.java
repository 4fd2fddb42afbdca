package dev.vidmeta.handler;

import dev.vidmeta.analysis.AnalysisAdmission;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.TaskCallbacks;
import dev.vidmeta.analysis.TaskTokenStore;
import dev.vidmeta.analysis.VideoAnalyzer;
import dev.vidmeta.aws.DynamoDbJobSlots;
import dev.vidmeta.aws.DynamoDbTaskTokenStore;
import dev.vidmeta.aws.DynamoDbWaitingList;
import dev.vidmeta.aws.RekognitionVideoAnalyzer;
import dev.vidmeta.aws.S3ObjectStart;
import dev.vidmeta.aws.S3ResultStore;
import dev.vidmeta.aws.SfnTaskCallbacks;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Builds the analysis services from the configuration and the SDK clients, in one place for the two functions
 * that start and complete Rekognition jobs: "Analyze With Rekognition" and the SNS callback. Both start jobs:
 * the callback, whose job end frees a slot, wakes the oldest waiting execution and starts its jobs.
 */
final class Wiring {

    private Wiring() {}

    static AnalysisStarter analysisStarter(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn,
            Clock clock) {
        var analyzer = new RekognitionVideoAnalyzer(
                rekognition, config.rekognitionSnsTopicArn(), config.rekognitionRoleArn());
        var tokens = new DynamoDbTaskTokenStore(dynamoDb, config.taskTokenTableName());
        var callbacks = new SfnTaskCallbacks(sfn);
        var admission = new AnalysisAdmission(new DynamoDbJobSlots(dynamoDb, config.taskTokenTableName()),
                new DynamoDbWaitingList(dynamoDb, config.taskTokenTableName()), callbacks, analyzer,
                config.analyses().stream().map(AnalysisRequest::analysis).toList(), config.rekognitionJobSlots(),
                config.rekognitionLeaseDuration(), config.taskTokenTtlSeconds(), clock);
        return new AnalysisStarter(analyzer, new S3ObjectStart(s3), tokens,
                jobCompletion(config, analyzer, tokens, callbacks, s3, clock), admission, config.analyses(),
                config.taskTokenTtlSeconds(), clock);
    }

    private static JobCompletion jobCompletion(
            TaskConfig config, VideoAnalyzer analyzer, TaskTokenStore tokens, TaskCallbacks callbacks, S3Client s3,
            Clock clock) {
        var location = config.resultLocation();
        return new JobCompletion(analyzer, tokens, callbacks, new S3ResultStore(s3, location.bucket()),
                location, config.analyses(), clock);
    }

    /** CloudWatch reads EMF lines from the function's standard output. */
    static EmfMetrics metrics(Clock clock) {
        return new EmfMetrics(System.out, clock);
    }
}
