package dev.vidmeta.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.AnalysisAdmission;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.JobSlots;
import dev.vidmeta.analysis.JobState;
import dev.vidmeta.analysis.TaskCallbacks;
import dev.vidmeta.analysis.TaskTokenStore;
import dev.vidmeta.analysis.VideoAnalyzer;
import dev.vidmeta.analysis.WaitingList;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.RecordDeletion;
import dev.vidmeta.record.RecordStore;
import dev.vidmeta.record.ResultStore;
import dev.vidmeta.record.VideoRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory stand-ins for the domain's ports, for unit tests. Each keeps what crossed its boundary so a test
 * can assert the exact request, and follows the contract its interface documents (not more).
 */
public final class Fakes {

    private Fakes() {}

    /** Admission with free slots enough for every test that does not test admission itself. */
    public static AnalysisAdmission admission(VideoAnalyzer analyzer, TaskCallbacks callbacks,
            List<AnalysisRequest> requests, java.time.Clock clock) {
        return new AnalysisAdmission(new Slots(), new Waiting(), callbacks, analyzer,
                requests.stream().map(AnalysisRequest::analysis).toList(), AnalysisAdmission.DEFAULT_SLOTS,
                java.time.Duration.ofHours(4), 3600, clock);
    }

    /**
     * {@link TaskTokenStore} with the rules of DynamoDbTaskTokenStore: registering replaces a waiter, a job's
     * result is recorded once per waiter (only the first delivery is applied), a gone waiter gives null.
     */
    public static final class TaskTokens implements TaskTokenStore {

        /** One {@link #register} call, as it was made. */
        public record Registration(String waiterId, String taskToken, ObjectRef object, Map<String, Analysis> jobs,
                Map<String, String> knownResults, long registeredAtMillis, long expiresAtEpochSeconds) {}

        private static final class Waiter {
            String taskToken;
            final Set<String> pending = new LinkedHashSet<>();
            final Map<String, String> results = new LinkedHashMap<>();
            boolean sent;
        }

        private final Map<String, Waiter> waiters = new HashMap<>();
        private final Map<String, Map<String, JobWaiter>> jobs = new LinkedHashMap<>();
        private final List<Registration> registrations = new ArrayList<>();
        private final List<String> marked = new ArrayList<>();

        @Override
        public void register(String waiterId, String taskToken, ObjectRef object, Map<String, Analysis> jobs,
                Map<String, String> knownResults, long registeredAtMillis, long expiresAtEpochSeconds) {
            registrations.add(new Registration(waiterId, taskToken, object, Map.copyOf(jobs), Map.copyOf(knownResults),
                    registeredAtMillis, expiresAtEpochSeconds));
            Waiter waiter = new Waiter();
            waiter.taskToken = taskToken;
            waiter.pending.addAll(jobs.keySet());
            waiter.results.putAll(knownResults);
            waiters.put(waiterId, waiter);
            jobs.forEach((jobId, analysis) -> this.jobs.computeIfAbsent(jobId, j -> new LinkedHashMap<>())
                    .put(waiterId, new JobWaiter(waiterId, analysis, object, registeredAtMillis)));
        }

        @Override
        public List<JobWaiter> waitersOf(String jobId) {
            return List.copyOf(jobs.getOrDefault(jobId, Map.of()).values());
        }

        @Override
        public Progress recordResult(String waiterId, String jobId, Analysis analysis, String resultJson) {
            Waiter waiter = waiters.get(waiterId);
            if (waiter == null) {
                return null;
            }
            boolean applied = waiter.pending.remove(jobId);
            if (applied) {
                waiter.results.put(analysis.code(), resultJson);
            }
            return new Progress(applied, waiter.pending.isEmpty(), waiter.sent, waiter.taskToken,
                    Map.copyOf(waiter.results));
        }

        @Override
        public void markSent(String waiterId) {
            marked.add(waiterId);
            Waiter waiter = waiters.get(waiterId);
            if (waiter != null) {
                waiter.sent = true;
            }
        }

        /** The waiter's item expires (its TTL passed); its job rows stay, as DynamoDB's TTL deletes lazily. */
        public void expire(String waiterId) {
            waiters.remove(waiterId);
        }

        public List<Registration> registrations() {
            return registrations;
        }

        /** The waiter ids {@link #markSent} was called with, in order. */
        public List<String> markedSent() {
            return marked;
        }

        /** The results recorded so far for a waiter (analysis code to result JSON), or null when it is gone. */
        public Map<String, String> resultsOf(String waiterId) {
            Waiter waiter = waiters.get(waiterId);
            return waiter == null ? null : Map.copyOf(waiter.results);
        }
    }

    /** {@link TaskCallbacks} that keeps every SendTaskSuccess/SendTaskFailure; tokens marked gone answer GONE. */
    public static final class Callbacks implements TaskCallbacks {

        /** One call: {@code output} for a success, {@code error} and {@code cause} for a failure. */
        public record Sent(String taskToken, String output, String error, String cause) {}

        private final List<Sent> sent = new ArrayList<>();
        private final Set<String> gone = new HashSet<>();
        private final List<String> heartbeats = new ArrayList<>();

        @Override
        public Delivery success(String taskToken, String outputJson) {
            sent.add(new Sent(taskToken, outputJson, null, null));
            return gone.contains(taskToken) ? Delivery.GONE : Delivery.DELIVERED;
        }

        @Override
        public Delivery failure(String taskToken, String error, String cause) {
            sent.add(new Sent(taskToken, null, error, cause));
            return gone.contains(taskToken) ? Delivery.GONE : Delivery.DELIVERED;
        }

        @Override
        public boolean waiting(String taskToken) {
            heartbeats.add(taskToken);
            return !gone.contains(taskToken);
        }

        /** The tokens {@link #waiting} was asked about (SendTaskHeartbeat), in order. */
        public List<String> heartbeats() {
            return heartbeats;
        }

        /** The task of this token no longer waits (timed out, or its execution was redriven). */
        public void gone(String taskToken) {
            gone.add(taskToken);
        }

        public List<Sent> sent() {
            return sent;
        }
    }

    /**
     * {@link JobSlots} with DynamoDbJobSlots' rules: all or none, never more than the limit, a key held already
     * counts as held, a release succeeds once.
     */
    public static final class Slots implements JobSlots {

        private final Map<String, Lease> leases = new LinkedHashMap<>();
        private final List<String> released = new ArrayList<>();

        @Override
        public boolean acquire(List<Lease> wanted, int limit) {
            List<Lease> missing = wanted.stream().filter(l -> !leases.containsKey(l.key())).toList();
            if (leases.size() + missing.size() > limit) {
                return false;
            }
            missing.forEach(l -> leases.put(l.key(), l));
            return true;
        }

        @Override
        public void recordJob(String key, String jobId) {
            leases.computeIfPresent(key, (k, l) -> new Lease(k, l.waiterId(), l.analysis(), jobId,
                    l.acquiredAtMillis(), l.expiresAtMillis()));
        }

        @Override
        public boolean release(String key) {
            released.add(key);
            return leases.remove(key) != null;
        }

        @Override
        public Holding read() {
            return new Holding(List.copyOf(leases.values()));
        }

        /** Every release asked for, held or not, in order. */
        public List<String> releases() {
            return released;
        }
    }

    /** {@link WaitingList} ordered by position; a waiter is taken once. */
    public static final class Waiting implements WaitingList {

        private final java.util.TreeMap<String, Waiter> waiters = new java.util.TreeMap<>();

        @Override
        public void add(Waiter waiter) {
            waiters.put(waiter.position(), waiter);
        }

        @Override
        public List<Waiter> oldest(int n) {
            return waiters.values().stream().limit(n).toList();
        }

        @Override
        public boolean take(Waiter waiter) {
            return waiters.remove(waiter.position()) != null;
        }

        public List<Waiter> all() {
            return List.copyOf(waiters.values());
        }
    }

    /** {@link ResultStore} over a map of key to UTF-8 JSON, in the order written. */
    public static final class Results implements ResultStore {

        private final String bucket;
        private final Map<String, String> documents = new LinkedHashMap<>();

        public Results(String bucket) {
            this.bucket = bucket;
        }

        @Override
        public String putJson(String key, byte[] json) {
            documents.put(key, new String(json, StandardCharsets.UTF_8));
            return "s3://" + bucket + "/" + key;
        }

        public Map<String, String> documents() {
            return documents;
        }
    }

    /**
     * {@link VideoAnalyzer} whose jobs finish as the test says: starts are kept and answered "job-1", "job-2"...;
     * a job is IN_PROGRESS until {@link #finish}ed; results are read only for a job given some.
     */
    public static final class Rekognition implements VideoAnalyzer {

        /** One Start* call. */
        public record Start(String analysis, String uri, String versionId, String token, String jobTag) {}

        private final List<Start> starts = new ArrayList<>();
        private final Map<String, String> byToken = new HashMap<>();
        private final Map<String, JobState> states = new HashMap<>();
        private final Map<String, JsonNode> results = new HashMap<>();
        private final List<String> reads = new ArrayList<>();

        @Override
        public String start(AnalysisRequest request, ObjectRef object, String token, String jobTag) {
            starts.add(new Start(request.analysis().code(), object.uri(), object.versionId(), token, jobTag));
            // "If you use the same token with multiple Start* requests, the same JobId is returned."
            return byToken.computeIfAbsent(token, t -> "job-" + (byToken.size() + 1));
        }

        @Override
        public JobState status(Analysis analysis, String jobId) {
            reads.add("status " + analysis.code() + " " + jobId);
            return states.getOrDefault(jobId, new JobState("IN_PROGRESS", null));
        }

        @Override
        public JsonNode results(Analysis analysis, String jobId) {
            reads.add("results " + analysis.code() + " " + jobId);
            JsonNode found = results.get(jobId);
            if (found == null) {
                throw new AssertionError("no results were given for job " + jobId);
            }
            return found;
        }

        /** The job finished with this state (and, when it succeeded, these Get* results). */
        public Rekognition finish(String jobId, JobState state, JsonNode getResults) {
            states.put(jobId, state);
            if (getResults != null) {
                results.put(jobId, getResults);
            }
            return this;
        }

        public List<Start> starts() {
            return starts;
        }

        /** The Get* calls made: "status celebrities job-1", "results labels job-2". */
        public List<String> reads() {
            return reads;
        }
    }

    /** {@link RecordStore} that keeps every put and deletion; {@link #exists} answers for the ids given. */
    public static final class Records implements RecordStore {

        public final List<VideoRecord> puts = new ArrayList<>();
        public final List<RecordDeletion> deletions = new ArrayList<>();
        public final Set<String> existing = new HashSet<>();

        @Override
        public Outcome put(VideoRecord record) {
            puts.add(record);
            return Outcome.WRITTEN;
        }

        @Override
        public Outcome markDeleted(RecordDeletion deletion) {
            deletions.add(deletion);
            return Outcome.WRITTEN;
        }

        @Override
        public boolean exists(String recordId) {
            return existing.contains(recordId);
        }
    }
}
