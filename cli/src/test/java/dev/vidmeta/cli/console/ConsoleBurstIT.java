package dev.vidmeta.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.cli.ExecutionBurst;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The console in headless Chromium at a burst: 1,000 executions (300 running, 200 failed, 500 succeeded). The
 * filters count every execution by status, and the list pages through all of them, 100 at a time.
 */
class ConsoleBurstIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final String ROWS = "return [...document.querySelectorAll('#executions tbody tr')].map(tr => tr.dataset.arn);";
    private static final String RANGE = "return document.getElementById('page-range').textContent;";

    private static ExecutionBurst burst;
    private static ConsoleServer console;

    @BeforeAll
    static void start() {
        burst = ExecutionBurst.start(1_000);
        // The record table is never read here: no execution of this machine is selected.
        console = ConsoleServer.start(new ConsoleServer.Config(burst.sfn(), null, burst.machineArn(), "records"), 0);
    }

    @AfterAll
    static void stop() {
        console.close();
        burst.close();
    }

    @Test
    void console_shouldCountEveryExecutionByStatus_andPageThroughAThousand() throws Exception {
        try (Chromium chromium = Chromium.launch()) {
            // WHEN the console is opened
            chromium.open(console.endpoint());

            // THEN each filter shows its count, All the total
            JsonNode counts = chromium.await("the counts", WAIT, """
                    return Object.fromEntries([...document.querySelectorAll('#filters button')].map(b =>
                        [b.dataset.status || 'ALL', (b.querySelector('.count') || {}).textContent]));""",
                    v -> v.path("ALL").asText().equals("1000"));
            assertThat(Map.of("ALL", counts.get("ALL").asText(), "RUNNING", counts.get("RUNNING").asText(),
                    "FAILED", counts.get("FAILED").asText(), "SUCCEEDED", counts.get("SUCCEEDED").asText(),
                    "TIMED_OUT", counts.get("TIMED_OUT").asText()))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("ALL", "1000", "RUNNING", "300", "FAILED", "200",
                            "SUCCEEDED", "500", "TIMED_OUT", "0"));
            // and the first page holds the newest 100
            JsonNode first = chromium.await("the first page", WAIT, ROWS, v -> v.size() == 100);
            assertThat(chromium.script(RANGE).asText()).isEqualTo("1–100");
            assertThat(chromium.script("return document.getElementById('newer').disabled;").asBoolean()).isTrue();
            chromium.screenshot(SCREENSHOTS.resolve("burst-first-page.png"));

            // WHEN Older is clicked nine times THEN the last page is 901-1000, and no page repeated a row
            Set<String> seen = new HashSet<>();
            first.forEach(arn -> seen.add(arn.asText()));
            for (int page = 2; page <= 10; page++) {
                String range = ((page - 1) * 100 + 1) + "–" + (page * 100);
                chromium.click("#older");
                chromium.await("page " + range, WAIT, RANGE, v -> v.asText().equals(range));
                chromium.script(ROWS).forEach(arn -> seen.add(arn.asText()));
            }
            assertThat(seen).hasSize(1_000);
            assertThat(chromium.script("return document.getElementById('older').disabled;").asBoolean()).isTrue();

            // WHEN Newer is clicked THEN the page before comes back
            chromium.click("#newer");
            chromium.await("page 801–900", WAIT, RANGE, v -> v.asText().equals("801–900"));

            // WHEN the Failed filter is clicked THEN paging starts again, over the 200 failed executions only
            chromium.click("#filters button[data-status=FAILED]");
            chromium.await("the failed filter's first page", WAIT, RANGE, v -> v.asText().equals("1–100"));
            chromium.click("#older");
            chromium.await("the failed filter's second page", WAIT, RANGE, v -> v.asText().equals("101–200"));
            JsonNode statuses = chromium.script(
                    "return [...document.querySelectorAll('#executions tbody tr')].map(tr => tr.dataset.status);");
            assertThat(statuses).hasSize(100).allSatisfy(s -> assertThat(s.asText()).isEqualTo("FAILED"));
            assertThat(chromium.script("return document.getElementById('older').disabled;").asBoolean()).isTrue();
        }
    }
}
