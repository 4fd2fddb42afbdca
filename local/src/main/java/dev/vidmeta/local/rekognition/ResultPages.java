package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The Get* responses: a job's status, VideoMetadata and one page of its results, in SortBy's order, paged by
 * MaxResults and NextToken.
 */
final class ResultPages {

    private ResultPages() {
    }

    /** The Get response for the job {@code request} names, found by {@code jobs} (null when there is none). */
    static ObjectNode get(VideoApi api, JsonNode request, Function<String, Job> jobs) {
        String jobId = request.path("JobId").asText("");
        Job job = jobs.apply(jobId);
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

        ObjectNode response = JsonNodeFactory.instance.objectNode();
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
        if (job.status == Job.Status.SUCCEEDED) {
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
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
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
}
