package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.rekognition.Job.Status;
import dev.vidmeta.local.rekognition.LocalRekognition.Notifier;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The local Rekognition's jobs, from Start to the end: ClientRequestToken idempotency, the limit of concurrent
 * jobs (and the peak and LimitExceededException counts), the scheduled end that publishes the completion to SNS,
 * and the {@link JobJournal} that lets all of it resume after a restart. See {@link LocalRekognition} for the
 * AWS behaviour reproduced.
 */
final class VideoJobs implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalRekognition.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /** Running jobs, and the latest {@code finishedJobsInMemory} ended ones. */
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Map<String, Job> byToken = new ConcurrentHashMap<>();
    private final Queue<String> finishedInMemory = new ConcurrentLinkedQueue<>();
    private final JobJournal journal;
    private final int finishedJobsInMemory;
    /** Jobs found running in the journal at start, until {@link #resumeJobs()} schedules their end. */
    private final List<Job> reloaded = new ArrayList<>();
    private final StoredVideos videos;
    private final Notifier notifier;
    private final Duration jobDuration;
    private final int concurrentJobs;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rekognition-jobs");
        t.setDaemon(true);
        return t;
    });
    /** Jobs IN_PROGRESS at once, at most; and Start calls refused with LimitExceededException (read under the lock). */
    private int peakRunningJobs;
    private long limitExceeded;

    VideoJobs(JobJournal journal, int finishedJobsInMemory, StoredVideos videos, Notifier notifier,
            Duration jobDuration, int concurrentJobs) {
        this.journal = journal;
        this.finishedJobsInMemory = finishedJobsInMemory;
        this.videos = videos;
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
    synchronized void resumeJobs() {
        reloaded.forEach(this::scheduleEnd);
        reloaded.clear();
    }

    /** A Start* call: the new job's JobId, or the one its ClientRequestToken started before. */
    ObjectNode start(VideoApi api, JsonNode request) {
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
        String token = request.path("ClientRequestToken").textValue();
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
        Mp4Inspector.VideoFacts facts = videos.inspect(request);
        long now = System.currentTimeMillis();
        Job job = new Job(UUID.randomUUID().toString().replace("-", ""), api, fingerprint, request, facts,
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
    Job job(String jobId) {
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
    synchronized int peakRunningJobs() {
        return peakRunningJobs;
    }

    /** How many Start calls were refused with LimitExceededException since start. */
    synchronized long limitExceededResponses() {
        return limitExceeded;
    }

    private void complete(Job job) {
        try {
            if (!job.facts.mp4OrMov() || !job.facts.h264()) {
                job.statusMessage = LocalRekognition.UNSUPPORTED;
                job.status = Status.FAILED;
            } else {
                job.results = videos.detections(job);
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

    @Override
    public void close() {
        clock.shutdownNow();
    }
}
