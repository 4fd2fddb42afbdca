package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionRequest;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryRequest;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.RedriveExecutionRequest;
import software.amazon.awssdk.services.sfn.model.RedriveExecutionResponse;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

/**
 * Replay's rules against a Step Functions that answers as the API reference documents: an execution that ended
 * in a Fail state is restarted once as {@code <name>-r1} (a redrive would re-enter the Fail state, "Redriving
 * executions", https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html), and that copy
 * counts as its original's replay, whatever its own outcome.
 */
class ExecutionReplayerTest {

    private static final String PREFIX = "arn:aws:states:eu-west-1:111122223333:execution:video-metadata:";
    private static final String INPUT = "{\"detail\":{\"object\":{\"key\":\"in/clip.mp4\"}}}";

    private final Map<String, DescribeExecutionResponse> executions = new HashMap<>();
    private final List<Object> mutations = new ArrayList<>();

    @Test
    void copyThatFailedInTheSameFailState_shouldNotBeReplayed_andItsOriginalReportedAlreadyReplayed() {
        // GIVEN an original and its copy, both ended in the Fail state "Record Not Written"
        failedInFailState("abc", INPUT);
        failedInFailState("abc-r1", INPUT);
        var replayer = new ExecutionReplayer(sfn());

        // WHEN both are replayed (as `replay --status FAILED` does)
        var copy = replayer.replay(PREFIX + "abc-r1");
        var original = replayer.replay(PREFIX + "abc");

        // THEN nothing was started or redriven
        assertThat(copy.action()).isEqualTo(ExecutionReplayer.Action.NOTHING_TO_DO);
        assertThat(copy.detail()).isEqualTo("is the replay of abc (FAILED); a replay is not replayed again");
        assertThat(original.action()).isEqualTo(ExecutionReplayer.Action.ALREADY_REPLAYED);
        assertThat(original.executionArn()).isEqualTo(PREFIX + "abc-r1");
        assertThat(mutations).isEmpty();
    }

    @Test
    void originalWhoseNameEndsLikeACopy_shouldBeRestartedUnderItsOwnR1() {
        // GIVEN "take-r1", an original (no "take" execution with its input) ended in a Fail state
        failedInFailState("take-r1", INPUT);
        failedInFailState("take", "{\"other\":true}");

        // WHEN replayed
        var outcome = new ExecutionReplayer(sfn()).replay(PREFIX + "take-r1");

        // THEN the exact StartExecution: the original input under take-r1-r1
        assertThat(outcome.action()).isEqualTo(ExecutionReplayer.Action.RESTARTED);
        assertThat(mutations).singleElement().isEqualTo(StartExecutionRequest.builder()
                .stateMachineArn("arn:aws:states:eu-west-1:111122223333:stateMachine:video-metadata")
                .name("take-r1-r1").input(INPUT).build());
    }

    @Test
    void copyOfALongName_shouldBeKnownByItsShape() {
        // GIVEN the copy of an 80-character name, cut and hashed by derivedName
        String copyName = ExecutionReplayer.derivedName("backfill-" + "a".repeat(32) + "-" + "x".repeat(38));
        failedInFailState(copyName, INPUT);

        // WHEN replayed
        var outcome = new ExecutionReplayer(sfn()).replay(PREFIX + copyName);

        // THEN it is not replayed
        assertThat(outcome.action()).isEqualTo(ExecutionReplayer.Action.NOTHING_TO_DO);
        assertThat(mutations).isEmpty();
    }

    private void failedInFailState(String name, String input) {
        executions.put(PREFIX + name, DescribeExecutionResponse.builder().executionArn(PREFIX + name).name(name)
                .stateMachineArn("arn:aws:states:eu-west-1:111122223333:stateMachine:video-metadata")
                .status(ExecutionStatus.FAILED).input(input).startDate(Instant.now().minusSeconds(60))
                .stopDate(Instant.now().minusSeconds(30)).redriveStatus(ExecutionRedriveStatus.REDRIVABLE)
                .redriveCount(0).build());
    }

    private SfnClient sfn() {
        return new SfnClient() {
            @Override
            public DescribeExecutionResponse describeExecution(DescribeExecutionRequest request) {
                DescribeExecutionResponse found = executions.get(request.executionArn());
                if (found == null) {
                    throw ExecutionDoesNotExistException.builder().message("Execution Does Not Exist").build();
                }
                return found;
            }

            @Override
            public GetExecutionHistoryResponse getExecutionHistory(GetExecutionHistoryRequest request) {
                // Newest first (reverseOrder): the Fail state's entry, then the failure pointing at it.
                return GetExecutionHistoryResponse.builder().events(
                        HistoryEvent.builder().id(7L).previousEventId(6L).type("ExecutionFailed").build(),
                        HistoryEvent.builder().id(6L).previousEventId(5L).type("FailStateEntered")
                                .stateEnteredEventDetails(d -> d.name("Record Not Written")).build()).build();
            }

            @Override
            public StartExecutionResponse startExecution(StartExecutionRequest request) {
                mutations.add(request);
                return StartExecutionResponse.builder().executionArn(PREFIX + request.name()).build();
            }

            @Override
            public RedriveExecutionResponse redriveExecution(RedriveExecutionRequest request) {
                mutations.add(request);
                return RedriveExecutionResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "states";
            }

            @Override
            public void close() {
            }
        };
    }
}
