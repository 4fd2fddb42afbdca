package dev.vidmeta.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.AnalysisRefusedException;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.JobState;
import dev.vidmeta.analysis.RekognitionBusyException;
import dev.vidmeta.analysis.TokenReusedException;
import dev.vidmeta.analysis.VideoAnalyzer;
import dev.vidmeta.record.ObjectRef;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.model.DetectionFilter;
import software.amazon.awssdk.services.rekognition.model.FaceAttributes;
import software.amazon.awssdk.services.rekognition.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.rekognition.model.InvalidPaginationTokenException;
import software.amazon.awssdk.services.rekognition.model.InvalidS3ObjectException;
import software.amazon.awssdk.services.rekognition.model.LimitExceededException;
import software.amazon.awssdk.services.rekognition.model.NotificationChannel;
import software.amazon.awssdk.services.rekognition.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.rekognition.model.S3Object;
import software.amazon.awssdk.services.rekognition.model.SegmentType;
import software.amazon.awssdk.services.rekognition.model.StartSegmentDetectionFilters;
import software.amazon.awssdk.services.rekognition.model.StartShotDetectionFilter;
import software.amazon.awssdk.services.rekognition.model.StartTechnicalCueDetectionFilter;
import software.amazon.awssdk.services.rekognition.model.StartTextDetectionFilters;
import software.amazon.awssdk.services.rekognition.model.ThrottlingException;
import software.amazon.awssdk.services.rekognition.model.Video;
import software.amazon.awssdk.services.rekognition.model.VideoTooLargeException;

/** {@link VideoAnalyzer} on Rekognition Video's Start* / Get* operations. */
public final class RekognitionVideoAnalyzer implements VideoAnalyzer {

    /** The largest page Get* returns. */
    static final int PAGE_SIZE = 1000;
    /** A pagination token can expire while we page; start over a bounded number of times. */
    static final int MAX_RESTARTS = 3;
    /** Rekognition rejects a segment confidence filter below 50. */
    private static final float MIN_SEGMENT_CONFIDENCE = 50f;

    private final RekognitionClient rekognition;
    private final NotificationChannel channel;

    public RekognitionVideoAnalyzer(RekognitionClient rekognition, String snsTopicArn, String roleArn) {
        this.rekognition = rekognition;
        this.channel = NotificationChannel.builder().snsTopicArn(snsTopicArn).roleArn(roleArn).build();
    }

    @Override
    public String start(AnalysisRequest request, ObjectRef object, String clientRequestToken, String jobTag)
            throws AnalysisRefusedException, TokenReusedException {
        S3Object.Builder s3 = S3Object.builder().bucket(object.bucket()).name(object.key());
        if (object.versioned()) {
            s3.version(object.versionId());
        }
        Video video = Video.builder().s3Object(s3.build()).build();
        Float confidence = request.minConfidence() > 0 ? request.minConfidence() : null;
        try {
            return switch (request.analysis()) {
                case CELEBRITIES -> rekognition.startCelebrityRecognition(b -> b.video(video)
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
                case LABELS -> rekognition.startLabelDetection(b -> b.video(video).minConfidence(confidence)
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
                case FACES -> rekognition.startFaceDetection(b -> b.video(video).faceAttributes(FaceAttributes.DEFAULT)
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
                case TEXT -> rekognition.startTextDetection(b -> b.video(video)
                        .filters(confidence == null ? null : StartTextDetectionFilters.builder()
                                .wordFilter(DetectionFilter.builder().minConfidence(confidence).build()).build())
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
                case MODERATION -> rekognition.startContentModeration(b -> b.video(video).minConfidence(confidence)
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
                case SEGMENTS -> rekognition.startSegmentDetection(b -> b.video(video)
                        .segmentTypes(SegmentType.TECHNICAL_CUE, SegmentType.SHOT)
                        .filters(segmentFilters(request.minConfidence()))
                        .clientRequestToken(clientRequestToken).notificationChannel(channel).jobTag(jobTag)).jobId();
            };
        } catch (LimitExceededException | ProvisionedThroughputExceededException | ThrottlingException e) {
            throw new RekognitionBusyException("Rekognition is busy (" + e.getClass().getSimpleName() + "): "
                    + e.awsErrorDetails().errorMessage(), e);
        } catch (IdempotentParameterMismatchException e) {
            throw new TokenReusedException("Rekognition has token " + clientRequestToken + " for a start with other"
                    + " parameters: " + e.awsErrorDetails().errorMessage(), e);
        } catch (VideoTooLargeException e) {
            throw new AnalysisRefusedException("Rekognition refused the video as too large or too long "
                    + "(at most 10 GB and 6 hours): " + e.awsErrorDetails().errorMessage(), true, e);
        } catch (InvalidS3ObjectException e) {
            throw new AnalysisRefusedException("Rekognition cannot read " + object.uri() + ": "
                    + e.awsErrorDetails().errorMessage(), false, e);
        }
    }

    @Override
    public JobState status(Analysis analysis, String jobId) {
        JsonNode page = page(analysis, jobId, 1, null);
        return new JobState(page.path("JobStatus").asText(), page.path("StatusMessage").asText(null));
    }

    @Override
    public JsonNode results(Analysis analysis, String jobId) {
        for (int attempt = 0; ; attempt++) {
            try {
                return allPages(analysis, jobId);
            } catch (InvalidPaginationTokenException e) {
                if (attempt >= MAX_RESTARTS) {
                    throw e;
                }
            }
        }
    }

    private ObjectNode allPages(Analysis analysis, String jobId) {
        ObjectNode merged = page(analysis, jobId, PAGE_SIZE, null);
        ArrayNode items = merged.withArray(analysis.resultsField());
        String next = merged.path("NextToken").asText(null);
        while (next != null && !next.isEmpty()) {
            ObjectNode page = page(analysis, jobId, PAGE_SIZE, next);
            page.path(analysis.resultsField()).forEach(items::add);
            next = page.path("NextToken").asText(null);
        }
        merged.remove("NextToken");
        return merged;
    }

    private ObjectNode page(Analysis analysis, String jobId, int maxResults, String nextToken) {
        Function<Void, SdkPojo> call = switch (analysis) {
            case CELEBRITIES -> v -> rekognition.getCelebrityRecognition(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
            case LABELS -> v -> rekognition.getLabelDetection(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
            case FACES -> v -> rekognition.getFaceDetection(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
            case TEXT -> v -> rekognition.getTextDetection(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
            case MODERATION -> v -> rekognition.getContentModeration(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
            case SEGMENTS -> v -> rekognition.getSegmentDetection(
                    b -> b.jobId(jobId).maxResults(maxResults).nextToken(nextToken));
        };
        return SdkJson.toJson(call.apply(null));
    }

    private static StartSegmentDetectionFilters segmentFilters(float minConfidence) {
        if (minConfidence < MIN_SEGMENT_CONFIDENCE) {
            return null;
        }
        return StartSegmentDetectionFilters.builder()
                .technicalCueFilter(StartTechnicalCueDetectionFilter.builder().minSegmentConfidence(minConfidence).build())
                .shotFilter(StartShotDetectionFilter.builder().minSegmentConfidence(minConfidence).build())
                .build();
    }
}
