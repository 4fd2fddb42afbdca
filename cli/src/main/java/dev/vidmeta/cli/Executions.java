package dev.vidmeta.cli;

import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.record.ObjectRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;

/** Finding executions of the pipeline and reading what they were about. */
final class Executions {

    private Executions() {
    }

    /**
     * Executions started at or after {@code since} (null: any time), newest first, at most {@code max}; one
     * ListExecutions walk per status, since its statusFilter takes one value.
     */
    static List<ExecutionListItem> list(SfnClient sfn, String stateMachineArn, List<ExecutionStatus> statuses,
            Instant since, int max) {
        List<ExecutionListItem> found = new ArrayList<>();
        List<ExecutionStatus> filters = statuses == null || statuses.isEmpty() ? Collections.singletonList(null)
                : statuses;
        for (ExecutionStatus status : filters) {
            String token = null;
            int taken = 0;
            walk:
            do {
                String next = token;
                ListExecutionsResponse page = sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)
                        .statusFilter(status).maxResults(Math.min(max, 1000)).nextToken(next));
                for (ExecutionListItem item : page.executions()) {
                    // The service lists newest first, so the first older one ends the walk.
                    if (since != null && item.startDate().isBefore(since) || taken == max) {
                        break walk;
                    }
                    found.add(item);
                    taken++;
                }
                token = page.nextToken();
            } while (token != null);
        }
        found.sort(Comparator.comparing(ExecutionListItem::startDate).reversed());
        return found.size() > max ? found.subList(0, max) : found;
    }

    /**
     * The object key an execution's input names, URL-decoded when it decodes (S3 event keys are encoded), or null
     * when the input is not an S3 object event.
     */
    static String objectKey(DescribeExecutionResponse execution) {
        return objectKey(execution.input());
    }

    static String objectKey(String input) {
        ObjectRef object = ObjectCreatedEvent.objectOf(input);
        return object == null ? null : ObjectKeys.candidates(object.key()).getFirst();
    }
}
