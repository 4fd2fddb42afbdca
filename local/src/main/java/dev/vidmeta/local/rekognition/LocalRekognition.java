package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

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
 */
public final class LocalRekognition implements AutoCloseable {

    /** https://docs.aws.amazon.com/rekognition/latest/dg/limits.html: stored video limits. */
    static final long MAX_BYTES = 10L * 1024 * 1024 * 1024;
    static final long MAX_DURATION_MILLIS = 6L * 60 * 60 * 1000;
    public static final int DEFAULT_CONCURRENT_JOBS = 20;
    static final String UNSUPPORTED = "Unsupported codec/format.";

    private static final System.Logger LOG = System.getLogger(LocalRekognition.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "RekognitionService.";

    /** Publishes the completion message to a topic (the local SNS). */
    @FunctionalInterface
    public interface Notifier {
        void publish(String topicArn, String message);
    }

    private enum Status { IN_PROGRESS, SUCCEEDED, FAILED }

    private static final class Job {
        final String id;
        final VideoApi api;
        final String requestFingerprint;
        /** The Start request as received, ClientRequestToken and NotificationChannel included. */
        final JsonNode request;
        final long startedAtMillis;
        /** When the job ends: its start plus the job duration of the instance that started it. */
        final long dueAtMillis;
        final String bucket;
        final String key;
        final String version;
        final String jobTag;
        final String topicArn;
        final Mp4Inspector.VideoFacts facts;
        volatile Status status = Status.IN_PROGRESS;
        volatile String statusMessage;
        volatile List<JsonNode> results = List.of();

        Job(String id, VideoApi api, String fingerprint, JsonNode request, Mp4Inspector.VideoFacts facts,
                long startedAtMillis, long dueAtMillis) {
            this.id = id;
            this.api = api;
            this.requestFingerprint = fingerprint;
            this.request = request;
            this.startedAtMillis = startedAtMillis;
            this.dueAtMillis = dueAtMillis;
            this.bucket = request.at("/Video/S3Object/Bucket").asText();
            this.key = request.at("/Video/S3Object/Name").asText();
            this.version = request.at("/Video/S3Object/Version").isTextual() ? request.at("/Video/S3Object/Version").asText() : null;
            this.jobTag = request.path("JobTag").isTextual() ? request.get("JobTag").asText() : null;
            this.topicArn = request.at("/NotificationChannel/SNSTopicArn").isTextual()
                    ? request.at("/NotificationChannel/SNSTopicArn").asText() : null;
            this.facts = facts;
        }

        String clientRequestToken() {
            return request.path("ClientRequestToken").isTextual() ? request.get("ClientRequestToken").asText() : null;
        }

        /** What {@link JobJournal} keeps: enough to answer Get*, find the job by its token, and end it. */
        ObjectNode toJson() {
            ObjectNode json = JSON.createObjectNode();
            json.put("JobId", id);
            json.put("Api", api.name());
            json.put("Fingerprint", requestFingerprint);
            json.set("Request", request);
            json.put("StartedAtMillis", startedAtMillis);
            json.put("DueAtMillis", dueAtMillis);
            ObjectNode video = json.putObject("Facts");
            video.put("Mp4OrMov", facts.mp4OrMov());
            video.put("Codec", facts.codec());
            video.put("DurationMillis", facts.durationMillis());
            video.put("Width", facts.width());
            video.put("Height", facts.height());
            video.put("FrameRate", facts.frameRate());
            json.put("Status", status.name());
            json.put("StatusMessage", statusMessage);
            json.putArray("Results").addAll(results);
            return json;
        }

        static Job fromJson(JsonNode json) {
            JsonNode video = json.path("Facts");
            var facts = new Mp4Inspector.VideoFacts(video.path("Mp4OrMov").asBoolean(),
                    video.path("Codec").isTextual() ? video.get("Codec").asText() : null,
                    video.path("DurationMillis").asLong(), video.path("Width").asInt(), video.path("Height").asInt(),
                    video.path("FrameRate").asDouble());
            var job = new Job(json.path("JobId").asText(), VideoApi.valueOf(json.path("Api").asText()),
                    json.path("Fingerprint").asText(), json.path("Request"), facts,
                    json.path("StartedAtMillis").asLong(), json.path("DueAtMillis").asLong());
            job.statusMessage = json.path("StatusMessage").isTextual() ? json.get("StatusMessage").asText() : null;
            List<JsonNode> results = new ArrayList<>();
            json.path("Results").forEach(results::add);
            job.results = List.copyOf(results);
            job.status = Status.valueOf(json.path("Status").asText());
            return job;
        }
    }

    /**
     * Ended jobs kept in memory beyond this many are read back from the journal when asked for, so that a long
     * {@code local up} runs in bounded memory.
     */
    static final int FINISHED_JOBS_IN_MEMORY = 1_000;

    /** Running jobs, and the latest {@link #finishedJobsInMemory} ended ones. */
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Job> byToken = new ConcurrentHashMap<>();
    private final Queue<String> finishedInMemory = new ConcurrentLinkedQueue<>();
    private final JobJournal journal;
    private final int finishedJobsInMemory;
    /** Jobs found running in the journal at start, until {@link #resumeJobs()} schedules their end. */
    private final List<Job> reloaded = new ArrayList<>();
    private final Map<String, JsonNode> canned = new ConcurrentHashMap<>();
    private final S3Client s3;
    private final Notifier notifier;
    private final Duration jobDuration;
    private final int concurrentJobs;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rekognition-jobs");
        t.setDaemon(true);
        return t;
    });
    private final LoopbackHttpServer server;
    /** Jobs IN_PROGRESS at once, at most; and Start calls refused with LimitExceededException (read under the lock). */
    private int peakRunningJobs;
    private long limitExceeded;

    private LocalRekognition(JobJournal journal, int finishedJobsInMemory, S3Client s3, Notifier notifier,
            Duration jobDuration, int concurrentJobs) {
        this.journal = journal;
        this.finishedJobsInMemory = finishedJobsInMemory;
        this.s3 = s3;
        this.notifier = notifier;
        this.jobDuration = jobDuration;
        this.concurrentJobs = concurrentJobs;
        for (JsonNode kept : journal.running()) {
            Job job = Job.fromJson(kept);
            jobs.put(job.id, job);
            if (job.clientRequestToken() != null) {
                byToken.put(job.clientRequestToken(), job);
            }
            reloaded.add(job);
        }
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
        return start(stateDir, s3, notifier, jobDuration, FINISHED_JOBS_IN_MEMORY);
    }

    /** As above, keeping at most {@code finishedJobsInMemory} ended jobs in memory: for tests. */
    static LocalRekognition start(Path stateDir, S3Client s3, Notifier notifier, Duration jobDuration,
            int finishedJobsInMemory) {
        return new LocalRekognition(JobJournal.in(stateDir), finishedJobsInMemory, s3, notifier, jobDuration,
                DEFAULT_CONCURRENT_JOBS);
    }

    /** The jobs held in memory, running or ended: for tests of the bound. */
    int jobsInMemory() {
        return jobs.size();
    }

    /**
     * Schedules the end of the jobs that were running when the journal was last written: each at its original
     * due time, or at once if that has passed, and each still publishes its completion. Call once the topics
     * they notify exist again (after the deployment), since a completion is published once.
     */
    public synchronized void resumeJobs() {
        reloaded.forEach(this::scheduleEnd);
        reloaded.clear();
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
        try {
            canned.put(bucket + "/" + key, JSON.readTree(detectionsJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("canned detections are not JSON: " + e.getMessage(), e);
        }
    }

    // ---- Start ----

    private ObjectNode start(VideoApi api, JsonNode request) {
        String bucket = request.at("/Video/S3Object/Bucket").asText("");
        String key = request.at("/Video/S3Object/Name").asText("");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new RekognitionException("InvalidParameterException", "Video.S3Object Bucket and Name are required");
        }
        JsonNode channel = request.get("NotificationChannel");
        if (channel != null && (!channel.path("SNSTopicArn").isTextual() || !channel.path("RoleArn").isTextual())) {
            throw new RekognitionException("InvalidParameterException",
                    "NotificationChannel requires SNSTopicArn and RoleArn");
        }
        if (api == VideoApi.SEGMENT && !request.path("SegmentTypes").isArray()) {
            throw new RekognitionException("InvalidParameterException", "SegmentTypes is required");
        }
        String token = request.path("ClientRequestToken").isTextual() ? request.get("ClientRequestToken").asText() : null;
        String fingerprint = api.name() + fingerprint(request);
        synchronized (this) {
            Job earlier = token == null ? null : jobOfToken(token);
            if (earlier != null) {
                if (!earlier.requestFingerprint.equals(fingerprint)) {
                    throw new RekognitionException("IdempotentParameterMismatchException",
                            "ClientRequestToken " + token + " was used with different parameters");
                }
                return JSON.createObjectNode().put("JobId", earlier.id);
            }
            checkJobLimit();
        }
        Mp4Inspector.VideoFacts facts = inspect(request);
        long now = System.currentTimeMillis();
        Job job = new Job(UUID.randomUUID().toString().replace("-", ""), api, fingerprint, request, facts, now,
                now + jobDuration.toMillis());
        synchronized (this) {
            Job earlier = token == null ? null : jobOfToken(token);
            if (earlier != null) {
                return JSON.createObjectNode().put("JobId", earlier.id);
            }
            // Again: other starts may have taken the last places while this one read the object.
            checkJobLimit();
            // Kept before its JobId is answered: a job the caller knows of survives a crash.
            journal.started(job.id, token, job.toJson());
            jobs.put(job.id, job);
            if (token != null) {
                byToken.put(token, job);
            }
            peakRunningJobs = Math.max(peakRunningJobs, runningJobs());
        }
        scheduleEnd(job);
        return JSON.createObjectNode().put("JobId", job.id);
    }

    private void scheduleEnd(Job job) {
        clock.schedule(() -> complete(job), Math.max(0, job.dueAtMillis - System.currentTimeMillis()),
                TimeUnit.MILLISECONDS);
    }

    /**
     * The job {@code token} started, whenever it did: "If you use the same token with multiple StartLabelDetection
     * requests, the same JobId is returned" (ClientRequestToken, StartLabelDetection API reference,
     * https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartLabelDetection.html; the other Start*
     * operations say the same). The reference gives the token no expiry, so the journal keeps it for good.
     */
    private Job jobOfToken(String token) {
        Job job = byToken.get(token);
        if (job != null) {
            return job;
        }
        String jobId = journal.jobIdOf(token);
        return jobId == null ? null : job(jobId);
    }

    /** A job in memory, or an ended one from the journal; null when there is none. */
    private Job job(String jobId) {
        Job job = jobs.get(jobId);
        if (job != null) {
            return job;
        }
        JsonNode ended = journal.finishedJob(jobId);
        return ended == null ? null : Job.fromJson(ended);
    }

    /** Rekognition's limit on concurrent stored-video jobs; call holding this object's lock. */
    private void checkJobLimit() {
        if (runningJobs() >= concurrentJobs) {
            limitExceeded++;
            throw new RekognitionException("LimitExceededException",
                    "The number of in-progress jobs exceeds the limit of " + concurrentJobs);
        }
    }

    private int runningJobs() {
        return (int) jobs.values().stream().filter(j -> j.status == Status.IN_PROGRESS).count();
    }

    /** The most jobs that were IN_PROGRESS at the same time since start. */
    public synchronized int peakRunningJobs() {
        return peakRunningJobs;
    }

    /** How many Start calls were refused with LimitExceededException since start. */
    public synchronized long limitExceededResponses() {
        return limitExceeded;
    }

    /** The synchronous checks: the object exists, is not too large or too long; facts for the job. */
    private Mp4Inspector.VideoFacts inspect(JsonNode request) {
        String bucket = request.at("/Video/S3Object/Bucket").asText();
        String key = request.at("/Video/S3Object/Name").asText();
        String version = request.at("/Video/S3Object/Version").isTextual() ? request.at("/Video/S3Object/Version").asText() : null;
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key).versionId(version));
        } catch (S3Exception e) {
            throw new RekognitionException("InvalidS3ObjectException",
                    "Unable to get object metadata from S3. Check object key, region and/or access permissions.");
        }
        if (head.contentLength() > MAX_BYTES) {
            throw new RekognitionException("VideoTooLargeException",
                    "The file size or duration of the supplied media is too large.");
        }
        Mp4Inspector.VideoFacts facts = Mp4Inspector.inspect((offset, length) -> s3.getObject(b -> b.bucket(bucket)
                .key(key).versionId(version).ifMatch(head.eTag())
                .range("bytes=" + offset + "-" + (offset + length - 1)), ResponseTransformer.toBytes()).asByteArray(),
                head.contentLength());
        if (facts.durationMillis() > MAX_DURATION_MILLIS) {
            throw new RekognitionException("VideoTooLargeException",
                    "The file size or duration of the supplied media is too large.");
        }
        return facts;
    }

    private void complete(Job job) {
        try {
            if (!job.facts.mp4OrMov() || !job.facts.h264()) {
                job.statusMessage = UNSUPPORTED;
                job.status = Status.FAILED;
            } else {
                job.results = detections(job);
                job.status = Status.SUCCEEDED;
            }
        } catch (RuntimeException e) {
            job.statusMessage = "Internal error: " + e.getMessage();
            job.status = Status.FAILED;
        }
        if (job.topicArn != null) {
            ObjectNode message = JSON.createObjectNode();
            message.put("JobId", job.id);
            message.put("Status", job.status.name());
            message.put("API", job.api.startOperation);
            if (job.jobTag != null) {
                message.put("JobTag", job.jobTag);
            }
            message.put("Timestamp", System.currentTimeMillis());
            message.putObject("Video").put("S3ObjectName", job.key).put("S3Bucket", job.bucket);
            try {
                notifier.publish(job.topicArn, message.toString());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "job " + job.id + ": completion not published to " + job.topicArn
                        + ": " + e.getMessage());
            }
        }
        // Kept as ended only once published: a crash before this ends the job again after the restart and
        // publishes again, at least once as SNS delivers; never not at all.
        try {
            journal.finished(job.id, job.toJson());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "job " + job.id + ": not kept as ended: " + e.getMessage());
        }
        forgetOldestFinished(job);
    }

    /** Keeps the latest ended jobs in memory; older ones are read from the journal when asked for. */
    private void forgetOldestFinished(Job finished) {
        finishedInMemory.add(finished.id);
        while (finishedInMemory.size() > finishedJobsInMemory) {
            String oldest = finishedInMemory.poll();
            Job forgotten = oldest == null ? null : jobs.remove(oldest);
            if (forgotten != null && forgotten.clientRequestToken() != null) {
                byToken.remove(forgotten.clientRequestToken(), forgotten);
            }
        }
    }

    private List<JsonNode> detections(Job job) {
        JsonNode all = canned.get(job.bucket + "/" + job.key);
        if (all == null) {
            try {
                byte[] sidecar = s3.getObjectAsBytes(b -> b.bucket(job.bucket).key(job.key + ".rekognition.json"))
                        .asByteArray();
                all = JSON.readTree(sidecar);
            } catch (NoSuchKeyException e) {
                return List.of();
            } catch (IOException e) {
                throw new IllegalStateException(job.key + ".rekognition.json is not JSON: " + e.getMessage(), e);
            }
        }
        List<JsonNode> results = new ArrayList<>();
        all.path(job.api.resultsField).forEach(results::add);
        return List.copyOf(results);
    }

    // ---- Get ----

    private ObjectNode get(VideoApi api, JsonNode request) {
        String jobId = request.path("JobId").asText("");
        Job job = job(jobId);
        if (job == null || job.api != api) {
            throw new RekognitionException("ResourceNotFoundException", "Requested resource not found: job " + jobId);
        }
        int maxResults = request.path("MaxResults").asInt(1000);
        if (maxResults < 1) {
            throw new RekognitionException("InvalidParameterException", "MaxResults must be at least 1");
        }
        maxResults = Math.min(maxResults, 1000);
        String sortBy = request.path("SortBy").asText(null);
        Comparator<JsonNode> order = api.defaultOrder();
        if (sortBy != null) {
            order = api.sortOrders.get(sortBy);
            if (order == null) {
                throw new RekognitionException("InvalidParameterException", "SortBy " + sortBy + " is not valid for "
                        + api.getOperation);
            }
        }
        int offset = 0;
        if (request.path("NextToken").isTextual()) {
            offset = decodeToken(request.get("NextToken").asText(), job.id, sortBy);
        }

        ObjectNode response = JSON.createObjectNode();
        response.put("JobStatus", job.status.name());
        if (job.statusMessage != null) {
            response.put("StatusMessage", job.statusMessage);
        }
        ObjectNode metadata = videoMetadata(job.facts);
        if (api == VideoApi.SEGMENT) {
            response.putArray("VideoMetadata").add(metadata);
            response.putArray("AudioMetadata");
        } else {
            response.set("VideoMetadata", metadata);
        }
        ArrayNode page = response.putArray(api.resultsField);
        if (job.status == Status.SUCCEEDED) {
            List<JsonNode> sorted = job.results.stream().sorted(order).toList();
            int end = Math.min(sorted.size(), offset + maxResults);
            for (int i = offset; i < end; i++) {
                page.add(sorted.get(i));
            }
            if (end < sorted.size()) {
                response.put("NextToken", encodeToken(job.id, end, sortBy));
            }
        }
        response.put("JobId", job.id);
        ObjectNode s3Object = response.putObject("Video").putObject("S3Object");
        s3Object.put("Bucket", job.bucket).put("Name", job.key);
        if (job.version != null) {
            s3Object.put("Version", job.version);
        }
        if (job.jobTag != null) {
            response.put("JobTag", job.jobTag);
        }
        switch (api) {
            case LABEL -> response.put("LabelModelVersion", "3.0");
            case TEXT -> response.put("TextModelVersion", "3.0");
            case CONTENT_MODERATION -> response.put("ModerationModelVersion", "7.0");
            default -> { }
        }
        return response;
    }

    private static ObjectNode videoMetadata(Mp4Inspector.VideoFacts facts) {
        ObjectNode metadata = JSON.createObjectNode();
        if (facts.codec() != null) {
            metadata.put("Codec", facts.codec());
        }
        metadata.put("DurationMillis", facts.durationMillis());
        metadata.put("Format", facts.mp4OrMov() ? "QuickTime / MOV" : "unknown");
        metadata.put("FrameRate", (float) facts.frameRate());
        metadata.put("FrameHeight", facts.height());
        metadata.put("FrameWidth", facts.width());
        // 8-bit H.264 from cameras and encoders is limited range; MP4 headers do not say otherwise here.
        metadata.put("ColorRange", "LIMITED");
        return metadata;
    }

    private static String encodeToken(String jobId, int offset, String sortBy) {
        String raw = jobId + ":" + offset + ":" + (sortBy == null ? "" : sortBy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeToken(String token, String jobId, String sortBy) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", -1);
            if (parts.length == 3 && parts[0].equals(jobId) && parts[2].equals(sortBy == null ? "" : sortBy)) {
                return Integer.parseInt(parts[1]);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw new RekognitionException("InvalidPaginationTokenException", "Invalid pagination token");
    }

    /** Parameters that define the job; the token itself is not one of them. */
    private static String fingerprint(JsonNode request) {
        ObjectNode copy = request.deepCopy();
        copy.remove("ClientRequestToken");
        try {
            return JSON.writeValueAsString(JSON.treeToValue(copy, Object.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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
            ObjectNode result = operation.startsWith("Start") ? start(api, body) : get(api, body);
            return new HttpResponse(200, CONTENT_TYPE, result.toString());
        } catch (RekognitionException e) {
            ObjectNode error = JSON.createObjectNode().put("__type", e.code).put("Message", e.getMessage());
            return new HttpResponse(400, CONTENT_TYPE, error.toString());
        }
    }

    private static final class RekognitionException extends RuntimeException {
        final String code;

        RekognitionException(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    @Override
    public void close() {
        server.close();
        clock.shutdownNow();
    }
}
