package dev.vidmeta.local.sfn;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of an execution's history, in the shape of the API's {@code HistoryEvent}: {@code type}
 * (ExecutionStarted, TaskStateEntered, ...), {@code id}, {@code previousEventId}, {@code timestamp} and one
 * {@code <kind>EventDetails} object named by {@code detailsKey} (null for events without details, such as
 * ParallelStateStarted).
 */
public record HistoryEvent(long id, long previousEventId, Instant timestamp, String type, String detailsKey,
        Map<String, Object> details) {
}
