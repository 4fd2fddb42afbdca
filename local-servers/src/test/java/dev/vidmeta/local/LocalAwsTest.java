package dev.vidmeta.local;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

class LocalAwsTest {

    @Test
    void client_shouldRefuseHttps_sayingTheLocalEndpointsArePlainHttp() {
        try (var client = LocalAws.client(DynamoDbClient.builder(), URI.create("https://127.0.0.1:9"))) {
            assertThatThrownBy(() -> client.listTables())
                    .isInstanceOf(SdkClientException.class)
                    .hasRootCauseInstanceOf(SSLException.class)
                    .hasStackTraceContaining("the local runtime's endpoints are plain HTTP");
        }
    }
}
