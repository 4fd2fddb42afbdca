package dev.vidmeta.handler;

import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.TaskTokenStore;
import dev.vidmeta.analysis.VideoAnalyzer;
import dev.vidmeta.aws.DynamoDbTaskTokenStore;
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
 * that complete Rekognition jobs: "Analyze With Rekognition" (jobs already finished when it starts them) and
 * the SNS callback.
 */
final class Wiring {

    private Wiring() {}

    static AnalysisStarter analysisStarter(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn,
            Clock clock) {
        var analyzer = new RekognitionVideoAnalyzer(
                rekognition, config.rekognitionSnsTopicArn(), config.rekognitionRoleArn());
        var tokens = new DynamoDbTaskTokenStore(dynamoDb, config.taskTokenTableName());
        return new AnalysisStarter(analyzer, new S3ObjectStart(s3), tokens,
                jobCompletion(config, analyzer, tokens, s3, sfn, clock), config.analyses(),
                config.taskTokenTtlSeconds(), clock);
    }

    private static JobCompletion jobCompletion(
            TaskConfig config, VideoAnalyzer analyzer, TaskTokenStore tokens, S3Client s3, SfnClient sfn,
            Clock clock) {
        var location = config.resultLocation();
        return new JobCompletion(analyzer, tokens, new SfnTaskCallbacks(sfn), new S3ResultStore(s3, location.bucket()),
                location, config.analyses(), clock);
    }

    /** The callback's: it reads results, it starts no job. */
    static JobCompletion jobCompletion(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn,
            Clock clock) {
        return jobCompletion(config, RekognitionVideoAnalyzer.resultsReader(rekognition),
                new DynamoDbTaskTokenStore(dynamoDb, config.taskTokenTableName()), s3, sfn, clock);
    }

    /** CloudWatch reads EMF lines from the function's standard output. */
    static EmfMetrics metrics(Clock clock) {
        return new EmfMetrics(System.out, clock);
    }
}
