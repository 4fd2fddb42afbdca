package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Rekognition Video's stored-video API, locally, over the JSON 1.1 protocol the SDK's
 * {@code RekognitionClient} speaks: Start/Get for celebrity recognition, label, face and text detection,
 * content moderation and segment detection.
 *
 * <p><b>It recognizes nothing.</b> A job's results are empty unless canned detections are supplied for the
 * object: a JSON file next to it, {@code <key>.rekognition.json}, holding the Get response's list under its
 * own name ({@code {"Celebrities": [...], "Labels": [...], ...}}), or {@link #cannedDetections}.
 *
 * <p>What it does reproduce (https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html):
 * ClientRequestToken idempotency; JobTag; the SNS completion message
 * ({@code {JobId, Status, API, JobTag, Timestamp, Video{S3ObjectName, S3Bucket}}}); the limit of 20
 * concurrent jobs; MaxResults/NextToken paging and SortBy; VideoMetadata read from the file; and the input
 * checks -- the object must exist (InvalidS3ObjectException), at most 10 GB and 6 hours
 * (VideoTooLargeException), MP4 or MOV with H.264 or the job FAILS with a StatusMessage. Requests pass
 * {@link LocalRequestGuard} first: SigV4-signed with any key pair, and not from a web page.
 *
 * <p>Started on a state directory, its jobs outlive a crash of the process ({@link JobJournal}): a job is kept
 * before its JobId is answered, and kept again, with its results, once it has ended and published its completion.
 * After a restart a job that was running ends at its original due time (at once if that has passed) and still
 * notifies; an ended one still answers Get*; a ClientRequestToken still returns the JobId it started. Memory
 * holds the running jobs and the latest {@value #FINISHED_JOBS_IN_MEMORY} ended ones; without a state directory
 * an older one is gone, and Get* answers ResourceNotFoundException for it.
 *
 * <p>The format rule is the developer guide's: "The video must be encoded using the H.264 codec. The supported
 * file formats are MPEG-4 and MOV." (https://docs.aws.amazon.com/rekognition/latest/dg/video.html). AWS documents
 * the outcome of another file only as a FAILED job whose StatusMessage is "a descriptive error message" (Get*
 * operations); the text used here, {@value #UNSUPPORTED}, is the one Rekognition users report, not a documented
 * one: the pipeline reads it only to call such an analysis SKIPPED rather than FAILED (JobState.unsupportedMedia),
 * and records it either way.
 *
 * <p>This class serves the protocol and answers its errors; {@link VideoJobs} runs the jobs, {@link StoredVideos}
 * reads the videos from S3, and {@link ResultPages} builds the Get* responses.
 */
public final class LocalRekognition implements AutoCloseable {

    public static final int DEFAULT_CONCURRENT_JOBS = 20;
    static final String UNSUPPORTED = "Unsupported codec/format.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "RekognitionService.";

    /** Publishes the completion message to a topic (the local SNS). */
    @FunctionalInterface
    public interface Notifier {
        void publish(String topicArn, String message);
    }

    /**
     * Ended jobs kept in memory beyond this many are read back from the journal when asked for, so that a long
     * {@code local up} runs in bounded memory.
     */
    static final int FINISHED_JOBS_IN_MEMORY = 1_000;

    private final StoredVideos videos;
    private final VideoJobs jobs;
    private final LoopbackHttpServer server;

    private LocalRekognition(JobJournal journal, int finishedJobsInMemory, S3Client s3, Notifier notifier,
            Duration jobDuration, int concurrentJobs) {
        this.videos = new StoredVideos(s3);
        this.jobs = new VideoJobs(journal, finishedJobsInMemory, videos, notifier, jobDuration, concurrentJobs);
        this.server = LoopbackHttpServer.start("rekognition", this::handle);
    }

    /**
     * Jobs live as long as the process.
     *
     * @param s3 a client of the S3 the videos live in (Rekognition reads them from S3)
     * @param jobDuration how long each job stays IN_PROGRESS
     */
    public static LocalRekognition start(S3Client s3, Notifier notifier, Duration jobDuration) {
        return new LocalRekognition(JobJournal.none(), FINISHED_JOBS_IN_MEMORY, s3, notifier, jobDuration,
                DEFAULT_CONCURRENT_JOBS);
    }

    public static LocalRekognition start(S3Client s3, Notifier notifier, Duration jobDuration, int concurrentJobs) {
        return new LocalRekognition(JobJournal.none(), FINISHED_JOBS_IN_MEMORY, s3, notifier, jobDuration,
                concurrentJobs);
    }

    /**
     * Jobs kept in {@code stateDir} ({@link JobJournal}), so that they outlive a crash: the jobs still running
     * there are back at once (Get* answers IN_PROGRESS, their ClientRequestTokens find them), and end, and
     * notify, once {@link #resumeJobs()} is called; an ended job answers Get* and its token for good.
     */
    public static LocalRekognition start(Path stateDir, S3Client s3, Notifier notifier, Duration jobDuration) {
        return startKeepingInMemory(stateDir, s3, notifier, jobDuration, FINISHED_JOBS_IN_MEMORY);
    }

    /**
     * As above, keeping at most {@code finishedJobsInMemory} ended jobs in memory: for tests. Not an overload of
     * start: its last int is not a limit of concurrent jobs, as in {@link #start(S3Client, Notifier, Duration, int)}.
     */
    static LocalRekognition startKeepingInMemory(Path stateDir, S3Client s3, Notifier notifier, Duration jobDuration,
            int finishedJobsInMemory) {
        return new LocalRekognition(JobJournal.in(stateDir), finishedJobsInMemory, s3, notifier, jobDuration,
                DEFAULT_CONCURRENT_JOBS);
    }

    /** The jobs held in memory, running or ended: for tests of the bound. */
    int jobsInMemory() {
        return jobs.jobsInMemory();
    }

    /**
     * Schedules the end of the jobs that were running when the journal was last written: each at its original
     * due time, or at once if that has passed, and each still publishes its completion. Call once the topics
     * they notify exist again (after the deployment), since a completion is published once.
     */
    public void resumeJobs() {
        jobs.resumeJobs();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /**
     * Supplies the detections jobs on {@code s3://bucket/key} will report, in the sidecar file's format:
     * {@code {"Celebrities": [{"Timestamp": 0, "Celebrity": {...}}], "Labels": [...]}}. Takes precedence over
     * a sidecar file.
     */
    public void cannedDetections(String bucket, String key, String detectionsJson) {
        videos.cannedDetections(bucket, key, detectionsJson);
    }

    /** The most jobs that were IN_PROGRESS at the same time since start. */
    public int peakRunningJobs() {
        return jobs.peakRunningJobs();
    }

    /** How many Start calls were refused with LimitExceededException since start. */
    public long limitExceededResponses() {
        return jobs.limitExceededResponses();
    }

    // ---- the JSON 1.1 protocol ----

    private HttpResponse handle(HttpRequest request) {
        LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.method(), request.query(),
                request::header, Presigning.NOT_ACCEPTED);
        if (refusal != null) {
            ObjectNode error = JSON.createObjectNode().put("__type", refusal.code()).put("Message", refusal.message());
            return new HttpResponse(refusal.status(), CONTENT_TYPE, error.toString());
        }
        String target = request.header("X-Amz-Target");
        String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : "";
        try {
            VideoApi api = VideoApi.byOperation(operation);
            if (api == null) {
                throw new RekognitionException("UnknownOperationException", "operation " + operation
                        + " is not served locally; served: " + VideoApi.operations());
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.body().isEmpty() ? "{}" : request.body());
            } catch (IOException e) {
                throw new RekognitionException("SerializationException", "request body is not JSON");
            }
            ObjectNode result = operation.startsWith("Start") ? jobs.start(api, body)
                    : ResultPages.get(api, body, jobs::job);
            return new HttpResponse(200, CONTENT_TYPE, result.toString());
        } catch (RekognitionException e) {
            ObjectNode error = JSON.createObjectNode().put("__type", e.code).put("Message", e.getMessage());
            return new HttpResponse(400, CONTENT_TYPE, error.toString());
        }
    }

    @Override
    public void close() {
        server.close();
        jobs.close();
    }
}
