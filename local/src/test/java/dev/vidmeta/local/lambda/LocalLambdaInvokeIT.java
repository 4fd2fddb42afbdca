package dev.vidmeta.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * The local Lambda's Invoke through the SDK's LambdaClient (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html),
 * and its asynchronous retries ("How Lambda handles errors and retries with asynchronous invocation",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
class LocalLambdaInvokeIT {

    private LocalLambda lambda;
    private LambdaClient client;
    private final List<Long> failingAttempts = new CopyOnWriteArrayList<>();
    private final List<String> destination = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        lambda = LocalLambda.create();
        lambda.register("echo", env -> (RequestStreamHandler) (in, out, ctx) -> out.write(in.readAllBytes()), Map.of());
        lambda.register("failing", env -> (RequestStreamHandler) (in, out, ctx) -> {
            failingAttempts.add(System.nanoTime());
            throw new IllegalStateException("throttled by DynamoDB");
        }, Map.of());
        lambda.destinations((arn, record) -> destination.add(record));
        client = LocalAws.client(LambdaClient.builder(), lambda.endpoint());
    }

    @AfterEach
    void stop() {
        client.close();
        lambda.close();
    }

    @Test
    void invoke_shouldReturnThePayload_orTheFunctionErrorInItsHeader_orResourceNotFound() {
        InvokeResponse ok = client.invoke(b -> b.functionName("echo").payload(SdkBytes.fromUtf8String("{\"a\":1}")));
        InvokeResponse failed = client.invoke(b -> b.functionName(LocalLambda.arnOf("failing") + ":live")
                .payload(SdkBytes.fromUtf8String("{}")));

        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.functionError()).isNull();
        assertThat(ok.payload().asString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        assertThat(failed.payload().asString(StandardCharsets.UTF_8)).contains("\"errorType\":\"java.lang.IllegalStateException\"");
        assertThatThrownBy(() -> client.invoke(b -> b.functionName("missing").payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void eventInvoke_shouldRetryAFunctionErrorTwice_afterTheFirstThenTheSecondDelay_thenGiveUp() {
        // GIVEN AWS's two delays (1 then 2 minutes) scaled to 100 and 200 ms, and the default config (2 retries)
        lambda.asyncRetryDelays(new LocalLambda.AsyncRetryDelays(Duration.ofMillis(100), Duration.ofMillis(200)));
        lambda.putFunctionEventInvokeConfig("failing", new LocalLambda.EventInvokeConfig(2, Duration.ofHours(6),
                "arn:aws:sqs:us-east-1:000000000000:failures"));

        // WHEN invoked with InvocationType Event
        InvokeResponse accepted = client.invoke(b -> b.functionName("failing").invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"event\":1}")));

        // THEN accepted at once (202); three attempts, each retry no earlier than its delay; one record
        assertThat(accepted.statusCode()).isEqualTo(202);
        Await.until("the on-failure record", () -> destination, d -> !d.isEmpty());
        assertThat(failingAttempts).hasSize(3);
        assertThat(failingAttempts.get(1) - failingAttempts.get(0)).isGreaterThanOrEqualTo(100_000_000L);
        assertThat(failingAttempts.get(2) - failingAttempts.get(1)).isGreaterThanOrEqualTo(200_000_000L);
        assertThat(destination).singleElement().asString().contains("\"approximateInvokeCount\":3")
                .contains("\"requestPayload\":{\"event\":1}").contains("\"condition\":\"RetriesExhausted\"");
    }
}
