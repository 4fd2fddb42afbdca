package dev.vidmeta.testing;

import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * What tests ask a Step Functions endpoint (the local engine or anything else an {@link SfnClient} points at):
 * wait for an execution, read its whole history, list a machine's executions. Lists are read through every
 * page, so a test never mistakes the first page for the whole answer.
 */
public final class SfnExecutions {

    /** Small pages on purpose: reading a history then also exercises the endpoint's paging. */
    private static final int PAGE_SIZE = 50;

    private SfnExecutions() {}

    /** Waits until the execution is no longer RUNNING. */
    public static DescribeExecutionResponse awaitClosed(SfnClient sfn, String executionArn, Duration timeout) {
        return Await.until("execution " + executionArn + " to close", timeout,
                () -> sfn.describeExecution(b -> b.executionArn(executionArn)),
                d -> d.status() != ExecutionStatus.RUNNING);
    }

    /** Waits until the execution has {@code status}. */
    public static DescribeExecutionResponse awaitStatus(SfnClient sfn, String executionArn, ExecutionStatus status,
            Duration timeout) {
        return Await.until("execution " + executionArn + " to be " + status, timeout,
                () -> sfn.describeExecution(b -> b.executionArn(executionArn)), d -> d.status() == status);
    }

    /** Waits until the history holds an event of {@code type}; returns the first such event. */
    public static HistoryEvent awaitEvent(SfnClient sfn, String executionArn, String type, Duration timeout) {
        return Await.until("a " + type + " event in " + executionArn, timeout, () -> history(sfn, executionArn),
                events -> events.stream().anyMatch(e -> e.typeAsString().equals(type)))
                .stream().filter(e -> e.typeAsString().equals(type)).findFirst().orElseThrow();
    }

    /** The whole history, oldest first. */
    public static List<HistoryEvent> history(SfnClient sfn, String executionArn) {
        return sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(PAGE_SIZE)).events()
                .stream().toList();
    }

    /** The names of the states the execution entered, in order. */
    public static List<String> enteredStates(SfnClient sfn, String executionArn) {
        return history(sfn, executionArn).stream()
                .filter(e -> e.typeAsString().endsWith("StateEntered"))
                .map(e -> e.stateEnteredEventDetails().name())
                .toList();
    }

    /** Every execution of a state machine, newest first. */
    public static List<ExecutionListItem> executions(SfnClient sfn, String stateMachineArn) {
        return sfn.listExecutionsPaginator(b -> b.stateMachineArn(stateMachineArn)).executions().stream().toList();
    }
}
