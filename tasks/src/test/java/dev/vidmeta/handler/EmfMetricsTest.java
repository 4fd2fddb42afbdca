package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The lines follow "Specification: Embedded metric format" (CloudWatch user guide,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * an {@code _aws} member with a millisecond Timestamp and CloudWatchMetrics directives (Namespace, Dimensions as
 * arrays of dimension-set names, Metrics with Name and Unit), and each dimension and metric as a root member.
 */
class EmfMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-03T06:00:00.250Z");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final EmfMetrics metrics = new EmfMetrics(new PrintStream(out, true, StandardCharsets.UTF_8),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private String[] lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? new String[0] : text.split("\n");
    }

    @Test
    void flush_shouldWriteOneEmfLine_withEveryDimensionAndMetric() throws Exception {
        // GIVEN
        metrics.dimension("Function", "ProbeMedia").put("BytesRead", 1_310_720L, "Bytes")
                .put("ProbeMillis", 84, "Milliseconds");

        // WHEN
        metrics.flush();

        // THEN
        assertThat(lines()).singleElement().satisfies(line -> assertThat(JSON.readTree(line)).isEqualTo(JSON.readTree("""
                {"_aws": {"Timestamp": 1796277600250, "CloudWatchMetrics": [{"Namespace": "vidmeta",
                  "Dimensions": [["Function"]],
                  "Metrics": [{"Name": "BytesRead", "Unit": "Bytes"}, {"Name": "ProbeMillis", "Unit": "Milliseconds"}]}]},
                 "Function": "ProbeMedia", "BytesRead": 1310720.0, "ProbeMillis": 84.0}""")));
    }

    @Test
    void flush_shouldForgetTheValues_butKeepTheDimensions() throws Exception {
        metrics.dimension("Function", "SnsCallback").put("RekognitionJobsSucceeded", 1, "Count").flush();

        metrics.put("RekognitionJobsFailed", 1, "Count").flush();

        assertThat(lines()).hasSize(2);
        assertThat(JSON.readTree(lines()[1]).path("_aws").path("CloudWatchMetrics").get(0).path("Metrics"))
                .isEqualTo(JSON.readTree("[{\"Name\": \"RekognitionJobsFailed\", \"Unit\": \"Count\"}]"));
        assertThat(JSON.readTree(lines()[1]).has("RekognitionJobsSucceeded")).isFalse();
        assertThat(JSON.readTree(lines()[1]).path("Function").asText()).isEqualTo("SnsCallback");
    }

    @Test
    void flush_shouldWriteNothing_whenNoMetricWasPut() {
        metrics.dimension("Function", "MergeRecord").flush();

        assertThat(lines()).isEmpty();
    }
}
