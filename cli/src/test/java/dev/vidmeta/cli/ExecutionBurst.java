package dev.vidmeta.cli;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.testing.Await;
import java.time.Duration;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * A burst of executions on the local Step Functions alone, for the views that must cope with one: of every ten,
 * three stay RUNNING (an hour-long Wait), two FAIL and five SUCCEED. Executions are started one by one, so their
 * start times are distinct and ordered.
 */
public final class ExecutionBurst implements AutoCloseable {

    private static final String DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "Route", "States": {
              "Route": {"Type": "Choice", "Default": "Done", "Choices": [
                {"Condition": "{% $states.input.outcome = 'wait' %}", "Next": "Hold"},
                {"Condition": "{% $states.input.outcome = 'fail' %}", "Next": "Break"}]},
              "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
              "Break": {"Type": "Fail", "Error": "Burst.Failed", "Cause": "on purpose"},
              "Done": {"Type": "Succeed"}}}""";

    private final LocalLambda lambda;
    private final LocalStepFunctions stepFunctions;
    private final SfnClient sfn;
    private final String machineArn;

    private ExecutionBurst(int executions) {
        lambda = LocalLambda.create();
        stepFunctions = LocalStepFunctions.start(lambda, LocalStepFunctions.Options.defaults());
        sfn = LocalAws.client(SfnClient.builder(), stepFunctions.endpoint());
        machineArn = sfn.createStateMachine(b -> b.name("burst").definition(DEFINITION)
                .roleArn(LocalAws.roleArn("burst"))).stateMachineArn();
        for (int i = 0; i < executions; i++) {
            String outcome = i % 10 < 3 ? "wait" : i % 10 < 5 ? "fail" : "pass";
            sfn.startExecution(b -> b.stateMachineArn(machineArn).input("{\"outcome\": \"" + outcome + "\"}"));
        }
        int waiting = executions / 10 * 3 + Math.min(executions % 10, 3);
        Await.until("all but the " + waiting + " waiting executions to end", Duration.ofSeconds(120),
                () -> sfn.listExecutions(b -> b.stateMachineArn(machineArn).statusFilter(ExecutionStatus.RUNNING)
                        .maxResults(1000)).executions().size(),
                running -> running == waiting);
    }

    /** Starts the local Step Functions and runs {@code executions} executions into their statuses. */
    public static ExecutionBurst start(int executions) {
        return new ExecutionBurst(executions);
    }

    public SfnClient sfn() {
        return sfn;
    }

    public String machineArn() {
        return machineArn;
    }

    /** Points the SDK's default clients (the CLI's) at this Step Functions, as `local up`'s exports do. */
    public void exportEndpoint() {
        System.setProperty("aws.region", LocalAws.REGION);
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        System.setProperty("aws.endpointUrlSfn", stepFunctions.endpoint().toString());
    }

    @Override
    public void close() {
        sfn.close();
        stepFunctions.close();
        lambda.close();
    }
}
