package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** One stored-video job: the Start request that made it, the video's facts, and, once ended, its outcome. */
final class Job {

    enum Status { IN_PROGRESS, SUCCEEDED, FAILED }

    final String id;
    final VideoApi api;
    final String requestFingerprint;
    /** The Start request as received, ClientRequestToken and NotificationChannel included. */
    final JsonNode request;
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
            long dueAtMillis) {
        this.id = id;
        this.api = api;
        this.requestFingerprint = fingerprint;
        this.request = request;
        this.dueAtMillis = dueAtMillis;
        this.bucket = request.at("/Video/S3Object/Bucket").asText();
        this.key = request.at("/Video/S3Object/Name").asText();
        this.version = request.at("/Video/S3Object/Version").textValue();
        this.jobTag = request.path("JobTag").textValue();
        this.topicArn = request.at("/NotificationChannel/SNSTopicArn").textValue();
        this.facts = facts;
    }

    String clientRequestToken() {
        return request.path("ClientRequestToken").textValue();
    }

    /** What {@link JobJournal} keeps: enough to answer Get*, find the job by its token, and end it. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("JobId", id);
        json.put("Api", api.name());
        json.put("Fingerprint", requestFingerprint);
        json.set("Request", request);
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
                video.path("Codec").textValue(),
                video.path("DurationMillis").asLong(), video.path("Width").asInt(), video.path("Height").asInt(),
                video.path("FrameRate").asDouble());
        var job = new Job(json.path("JobId").asText(), VideoApi.valueOf(json.path("Api").asText()),
                json.path("Fingerprint").asText(), json.path("Request"), facts,
                json.path("DueAtMillis").asLong());
        job.statusMessage = json.path("StatusMessage").textValue();
        List<JsonNode> results = new ArrayList<>();
        json.path("Results").forEach(results::add);
        job.results = List.copyOf(results);
        job.status = Status.valueOf(json.path("Status").asText());
        return job;
    }
}
