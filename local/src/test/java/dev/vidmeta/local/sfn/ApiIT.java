package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.testing.SfnExecutions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionNotRedrivableException;
import software.amazon.awssdk.services.sfn.model.ExecutionRedriveStatus;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;
import software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException;

/** The API operations beyond running states: idempotency, listing, paging, stop, timeouts and redrive. */
class ApiIT extends SfnITBase {

    private static final String WAIT_FOREVER = """
            {"QueryLanguage": "JSONata", "StartAt": "Hold",
             "States": {"Hold": {"Type": "Wait", "Seconds": 100000, "End": true}}}""";

    @Test
    void startExecution_shouldBeIdempotent_forSameNameAndInputWhileRunning() {
        // GIVEN a running execution named "upload-1"
        String machine = h.createFromText(WAIT_FOREVER);
        String first = h.client.startExecution(b -> b.stateMachineArn(machine).name("upload-1").input("{\"a\":1}"))
                .executionArn();

        // WHEN the same name starts again with the same input, and with another input
        String again = h.client.startExecution(b -> b.stateMachineArn(machine).name("upload-1").input("{\"a\":1}"))
                .executionArn();

        // THEN the same execution comes back; a different input is ExecutionAlreadyExists
        // (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html)
        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> h.client.startExecution(b -> b.stateMachineArn(machine).name("upload-1")
                .input("{\"a\":2}"))).isInstanceOf(ExecutionAlreadyExistsException.class);
        // AND once closed, even the same input is ExecutionAlreadyExists
        h.client.stopExecution(b -> b.executionArn(first));
        assertThatThrownBy(() -> h.client.startExecution(b -> b.stateMachineArn(machine).name("upload-1")
                .input("{\"a\":1}"))).isInstanceOf(ExecutionAlreadyExistsException.class);
    }

    @Test
    void stopExecution_shouldAbortWithErrorAndCause() {
        // GIVEN a running execution
        String machine = h.createFromText(WAIT_FOREVER);
        String arn = h.start(machine, "{}");
        h.awaitEvent(arn, "WaitStateEntered");

        // WHEN it is stopped
        h.client.stopExecution(b -> b.executionArn(arn).error("Operator.Stop").cause("testing"));

        // THEN it is ABORTED with an ExecutionAborted event, and redrivable
        DescribeExecutionResponse d = h.client.describeExecution(b -> b.executionArn(arn));
        assertThat(d.status()).isEqualTo(ExecutionStatus.ABORTED);
        assertThat(d.error()).isEqualTo("Operator.Stop");
        assertThat(d.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
        HistoryEvent last = h.history(arn).getLast();
        assertThat(last.typeAsString()).isEqualTo("ExecutionAborted");
        assertThat(last.executionAbortedEventDetails().cause()).isEqualTo("testing");
    }

    @Test
    void machineTimeoutSeconds_shouldTimeOutExecution() {
        // GIVEN a machine with TimeoutSeconds 2 (20 ms) around a long Wait
        String machine = h.create("execution-timeout.asl.json");

        // WHEN it runs
        DescribeExecutionResponse d = h.run(machine, "{}");

        // THEN it ends TIMED_OUT with an ExecutionTimedOut event
        assertThat(d.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(d.error()).isEqualTo("States.Timeout");
        assertThat(h.types(d.executionArn()).getLast()).isEqualTo("ExecutionTimedOut");
    }

    @Test
    void listExecutions_shouldFilterByStatus_andPageNewestFirst() {
        // GIVEN three running and two stopped executions
        String machine = h.createFromText(WAIT_FOREVER);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            started.add(h.start(machine, "{}"));
        }
        h.client.stopExecution(b -> b.executionArn(started.get(0)));
        h.client.stopExecution(b -> b.executionArn(started.get(3)));

        // WHEN the running ones are listed two per page
        List<String> listed = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListExecutionsResponse page = h.client.listExecutions(b -> b.stateMachineArn(machine)
                    .statusFilter(ExecutionStatus.RUNNING).maxResults(2).nextToken(next));
            page.executions().stream().map(ExecutionListItem::executionArn).forEach(listed::add);
            token = page.nextToken();
            pages++;
        } while (token != null && pages < 10);

        // THEN exactly the running ones come back, newest first, over two pages
        assertThat(listed).containsExactly(started.get(4), started.get(2), started.get(1));
        assertThat(pages).isEqualTo(2);
        assertThat(h.client.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.ABORTED))
                .executions()).extracting(ExecutionListItem::executionArn)
                .containsExactly(started.get(3), started.get(0));
    }

    @Test
    void getExecutionHistory_shouldPage_andReverse() {
        // GIVEN a finished execution with seven events
        String machine = h.create("pass-choice.asl.json");
        DescribeExecutionResponse d = h.run(machine, "{\"name\":\"n\",\"size\":1}");
        List<HistoryEvent> all = h.history(d.executionArn());

        // WHEN it is read backwards, three events per page
        GetExecutionHistoryResponse first = h.client.getExecutionHistory(b -> b.executionArn(d.executionArn())
                .reverseOrder(true).maxResults(3));
        GetExecutionHistoryResponse second = h.client.getExecutionHistory(b -> b.executionArn(d.executionArn())
                .reverseOrder(true).maxResults(3).nextToken(first.nextToken()));

        // THEN ids descend across pages and events chain by previousEventId
        assertThat(all).extracting(HistoryEvent::typeAsString).containsExactly("ExecutionStarted",
                "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
                "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded");
        assertThat(first.events()).extracting(HistoryEvent::id).containsExactly(8L, 7L, 6L);
        assertThat(second.events()).extracting(HistoryEvent::id).containsExactly(5L, 4L, 3L);
        assertThat(all).allSatisfy(e -> assertThat(e.previousEventId()).isEqualTo(e.id() - 1));
        assertThat(all.get(2).stateExitedEventDetails().assignedVariables())
                .isEqualTo(Map.of("size", "1", "label", "\"file n\""));
        assertThat(all.get(1).stateEnteredEventDetails().input()).isEqualTo("{\"name\":\"n\",\"size\":1}");
    }

    @Test
    void redrive_shouldRerunOnlyTheFailedParallelBranch_fromItsFailedState() {
        // GIVEN a Parallel whose second branch fails once, after a Pass state
        AtomicInteger steadyCalls = new AtomicInteger();
        AtomicBoolean broken = new AtomicBoolean(true);
        h.functions.define("steady", payload -> Map.of("steady", steadyCalls.incrementAndGet()));
        String machine = h.create("redrive-parallel.asl.json");
        h.functions.define("fragile", payload -> {
            if (broken.get()) {
                // Fail only once the other branch's Task has exited: a branch still running when the Parallel
                // fails is rightly re-run by a redrive, so which branch ended first must not be left to a race.
                String arn = SfnExecutions.executions(h.client, machine).getFirst().executionArn();
                h.awaitEvent(arn, "TaskStateExited");
                throw new TestFunctions.FunctionError("Vidmeta.Outage", "down");
            }
            return Map.of("fragile", payload);
        });
        DescribeExecutionResponse failed = h.run(machine, "{}");
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(failed.error()).isEqualTo("Vidmeta.Outage");
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);
        int fragileCalls = h.functions.callsTo("fragile").size();
        int preparedEntries = count(h.types(failed.executionArn()), "PassStateEntered");

        // WHEN the outage is over and the execution is redriven
        broken.set(false);
        h.client.redriveExecution(b -> b.executionArn(failed.executionArn()));
        DescribeExecutionResponse done = h.await(failed.executionArn());

        // THEN only the failed branch re-ran, from its failed Task (not its Pass), and the succeeded branch's
        // original output was kept (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html)
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.redriveCount()).isEqualTo(1);
        assertThat(done.redriveDate()).isNotNull();
        assertThat(steadyCalls.get()).isEqualTo(1);
        assertThat(h.functions.callsTo("fragile").size()).isEqualTo(fragileCalls + 1);
        assertThat(SfnHarness.json(done.output())).isEqualTo(List.of(Map.of("steady", 1),
                Map.of("fragile", Map.of("prepared", true))));
        List<String> types = h.types(done.executionArn());
        assertThat(types).containsSubsequence("ExecutionFailed", "ExecutionRedriven", "ParallelStateEntered",
                "TaskStateEntered", "TaskSucceeded", "ParallelStateSucceeded", "ExecutionSucceeded");
        assertThat(count(types, "PassStateEntered")).isEqualTo(preparedEntries + 1);
        HistoryEvent redriven = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("ExecutionRedriven")).findFirst().orElseThrow();
        assertThat(redriven.executionRedrivenEventDetails().redriveCount()).isEqualTo(1);
        // AND a succeeded execution is not redrivable
        assertThatThrownBy(() -> h.client.redriveExecution(b -> b.executionArn(done.executionArn())))
                .isInstanceOf(ExecutionNotRedrivableException.class)
                .hasMessageContaining("Execution is SUCCEEDED and cannot be redriven");
    }

    @Test
    void redrive_ofAnExecutionThatEndedInAFailState_shouldBeAllowed_andFailTheSameWayAgain() {
        // GIVEN an execution that ended in a Fail state. RedriveExecution's conditions (not SUCCEEDED, within 14
        // days, one year and 25,000 events, https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html)
        // do not exclude it, and a redrive "continues the failed execution from the unsuccessful step"
        // (https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html): the Fail state itself.
        String machine = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Prepare",
                 "States": {"Prepare": {"Type": "Pass", "Next": "Give Up"},
                            "Give Up": {"Type": "Fail", "Error": "Test.GaveUp", "Cause": "always"}}}""");
        DescribeExecutionResponse failed = h.run(machine, "{}");
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.REDRIVABLE);

        // WHEN it is redriven
        h.client.redriveExecution(b -> b.executionArn(failed.executionArn()));
        DescribeExecutionResponse again = h.await(failed.executionArn());

        // THEN it entered the Fail state again, not the Pass before it, and failed with the same error
        assertThat(again.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(again.error()).isEqualTo("Test.GaveUp");
        assertThat(again.redriveCount()).isEqualTo(1);
        List<String> types = h.types(failed.executionArn());
        assertThat(types.subList(types.indexOf("ExecutionRedriven"), types.size()))
                .containsSubsequence("ExecutionRedriven", "FailStateEntered", "ExecutionFailed")
                .doesNotContain("PassStateEntered");
    }

    @Test
    void redrive_shouldBeRefused_whenTheHistoryHas25000Events() {
        // GIVEN a failed execution whose history reached 25,000 events (a Pass/Choice loop: 4 events a turn).
        // redriveStatusReason "Execution history event limit exceeded" (DescribeExecution API reference,
        // https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html)
        String machine = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Init",
                 "States": {"Init": {"Type": "Pass", "Assign": {"n": 0}, "Next": "Count"},
                            "Count": {"Type": "Pass", "Assign": {"n": "{% $n + 1 %}"}, "Next": "Again"},
                            "Again": {"Type": "Choice", "Choices": [{"Condition": "{% $n < 6250 %}", "Next": "Count"}],
                                      "Default": "Give Up"},
                            "Give Up": {"Type": "Fail", "Error": "Test.GaveUp"}}}""");
        DescribeExecutionResponse failed = SfnExecutions.awaitClosed(h.client, h.start(machine, "{}"),
                Duration.ofMinutes(2));
        assertThat(h.client.getExecutionHistory(b -> b.executionArn(failed.executionArn()).reverseOrder(true)
                .maxResults(1)).events().getFirst().id()).isGreaterThanOrEqualTo(SfnService.MAX_HISTORY_EVENTS);

        // WHEN it is described and redriven
        // THEN it is NOT_REDRIVABLE with the documented reason, and RedriveExecution says ExecutionNotRedrivable
        assertThat(failed.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
        assertThat(failed.redriveStatusReason()).isEqualTo("Execution history event limit exceeded");
        assertThatThrownBy(() -> h.client.redriveExecution(b -> b.executionArn(failed.executionArn())))
                .isInstanceOf(ExecutionNotRedrivableException.class)
                .hasMessageContaining("Execution history event limit exceeded");
    }

    @Test
    void stateMachines_shouldBeDescribedAndListed_andUnknownArnsRejected() {
        // GIVEN a created machine
        String machine = h.create("fail.asl.json");

        // WHEN it is described and listed
        var described = h.client.describeStateMachine(b -> b.stateMachineArn(machine));
        var listed = h.client.listStateMachines(b -> b.maxResults(1000)).stateMachines();

        // THEN the definition and role round-trip; unknown machines are StateMachineDoesNotExist
        assertThat(described.definition()).isEqualTo(SfnHarness.resource("fail.asl.json"));
        assertThat(described.roleArn()).isEqualTo(SfnHarness.ROLE);
        assertThat(listed).anySatisfy(m -> assertThat(m.stateMachineArn()).isEqualTo(machine));
        assertThatThrownBy(() -> h.client.startExecution(b -> b.stateMachineArn(machine + "-nope")))
                .isInstanceOf(StateMachineDoesNotExistException.class);
    }

    @Test
    void unsignedRequest_shouldBeMissingAuthenticationToken() throws Exception {
        // GIVEN a request without an Authorization header
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(h.sfn.endpoint() + "/"))
                .header("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
                .header("Content-Type", "application/x-amz-json-1.0")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        // THEN the JSON 1.0 error shape comes back with the common error, 403
        // (https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html)
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(SfnHarness.jsonObject(response.body())).containsEntry("__type", "MissingAuthenticationToken");
    }

    @Test
    void sendTaskSuccess_shouldBeRefused_whenAWebPageSendsIt() throws Exception {
        // GIVEN a SendTaskSuccess with a SigV4-shaped signature (any key pair is accepted locally)
        HttpRequest.Builder sendTaskSuccess = HttpRequest.newBuilder(URI.create(h.sfn.endpoint() + "/"))
                .header("X-Amz-Target", "AWSStepFunctions.SendTaskSuccess")
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDANY/20260101/us-east-1/states/aws4_request,"
                        + " SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0a".repeat(32))
                .POST(HttpRequest.BodyPublishers.ofString("{\"taskToken\":\"not-a-token\",\"output\":\"{}\"}"));

        // WHEN it comes from a page on another origin, and from a client that is not a browser
        HttpResponse<String> fromPage = send(sendTaskSuccess.copy().header("Origin", "https://example.com"));
        HttpResponse<String> fromSdk = send(sendTaskSuccess);

        // THEN the page's is refused before the token is looked at; the other one reaches the service
        assertThat(fromPage.statusCode()).isEqualTo(403);
        assertThat(SfnHarness.jsonObject(fromPage.body())).containsEntry("__type", "AccessDeniedException");
        assertThat(fromSdk.statusCode()).isEqualTo(400);
        assertThat(SfnHarness.jsonObject(fromSdk.body()).get("__type")).isNotEqualTo("AccessDeniedException");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static int count(List<String> types, String type) {
        return (int) types.stream().filter(type::equals).count();
    }
}
