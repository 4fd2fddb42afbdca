package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.sfn.Definition.State;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Retry and Catch as "Handling errors in Step Functions workflows" describes them
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): the first retrier that
 * matches decides, waiting IntervalSeconds x BackoffRate^attempt capped by MaxDelaySeconds; once it is
 * exhausted the first matching catcher applies; with none the branch fails.
 */
class ErrorPolicyTest {

    private static final String DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "Probe", "States": {
              "Probe": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": "probe"},
                "Retry": [
                  {"ErrorEquals": ["Lambda.TooManyRequestsException"], "IntervalSeconds": 2, "BackoffRate": 3,
                   "MaxAttempts": 4, "MaxDelaySeconds": 10},
                  {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 1, "JitterStrategy": "FULL"}],
                "Catch": [
                  {"ErrorEquals": ["MediaError"], "Next": "Record Failure",
                   "Output": {"why": "{% $states.errorOutput.Cause %}", "key": "{% $states.input.key %}"},
                   "Assign": {"failed": true}}],
                "End": true},
              "Record Failure": {"Type": "Pass", "End": true}}}
            """;

    private final Run run = runInProbe();

    private static Run runInProbe() {
        Definition definition = DefinitionParser.parse(DEFINITION);
        StateMachine machine = new StateMachine("arn:aws:states:us-east-1:123456789012:stateMachine:m", "m",
                DEFINITION, definition, "arn:aws:iam::123456789012:role/r", Instant.EPOCH);
        Execution ex = new Execution(machine, "arn:aws:states:us-east-1:123456789012:execution:m:e", "e",
                "{\"key\":\"a.mp4\"}", Map.of("key", "a.mp4"), Instant.EPOCH, null);
        Run run = new Run(ex, null, definition.root(), new Scope(null), ex.input, -1);
        run.entered("Probe", ex.input, Instant.EPOCH, 2, false);
        return run;
    }

    private State probe() {
        return run.branch.states().get("Probe");
    }

    @Test
    void matchingRetrier_shouldBackOffByItsRate_cappedAtMaxDelaySeconds_untilMaxAttempts() {
        // GIVEN a throttled task, again and again
        StatesError throttled = new StatesError("Lambda.TooManyRequestsException", "slow down");

        // WHEN the policy decides five times
        // THEN it waits 2, 6, then 10 (not 18) and 10 (not 54) seconds, and then leaves it to the catchers,
        // which do not match: the branch fails with that error
        assertThat(ErrorPolicy.decide(run, probe(), throttled, () -> 0.5)).isEqualTo(new ErrorPolicy.Retry(2));
        assertThat(ErrorPolicy.decide(run, probe(), throttled, () -> 0.5)).isEqualTo(new ErrorPolicy.Retry(6));
        assertThat(ErrorPolicy.decide(run, probe(), throttled, () -> 0.5)).isEqualTo(new ErrorPolicy.Retry(10));
        assertThat(ErrorPolicy.decide(run, probe(), throttled, () -> 0.5)).isEqualTo(new ErrorPolicy.Retry(10));
        assertThat(ErrorPolicy.decide(run, probe(), throttled, () -> 0.5)).isEqualTo(new ErrorPolicy.Fail(throttled));
        // AND $states.context.State.RetryCount counted the four retries
        assertThat(run.retryCount).isEqualTo(4);
    }

    @Test
    void fullJitter_shouldWaitARandomShareOfTheDelay() {
        // GIVEN an error only the States.ALL retrier (JitterStrategy FULL, 1 s) matches
        StatesError error = new StatesError("Lambda.Unknown", "crashed");

        // WHEN the policy decides with a random draw of 0.25
        ErrorPolicy.Decision decision = ErrorPolicy.decide(run, probe(), error, () -> 0.25);

        // THEN it waits a quarter of the interval
        assertThat(decision).isEqualTo(new ErrorPolicy.Retry(0.25));
    }

    @Test
    void exhaustedRetrier_shouldHandOverToTheMatchingCatcher_withItsOutputAndAssign() {
        // GIVEN a media error, retried once already by the States.ALL retrier
        StatesError error = new StatesError("MediaError", "not a video");
        assertThat(ErrorPolicy.decide(run, probe(), error, () -> 1.0)).isEqualTo(new ErrorPolicy.Retry(1));

        // WHEN it happens again
        ErrorPolicy.Decision decision = ErrorPolicy.decide(run, probe(), error, () -> 1.0);

        // THEN the catcher moves on to its Next with its Output over $states.errorOutput and the input, and Assign
        assertThat(decision).isEqualTo(new ErrorPolicy.Catch("Record Failure",
                Map.of("why", "not a video", "key", "a.mp4"), Map.of("failed", true)));
    }
}
