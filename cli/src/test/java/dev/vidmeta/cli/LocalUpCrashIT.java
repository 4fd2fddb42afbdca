package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;

/**
 * Issue 11's "done when": {@code local up} killed with SIGKILL while 5 executions wait on Rekognition, started again
 * on the same work dir, finishes all 5, with no replay. On AWS nothing a crash of ours could touch stops a Standard
 * execution: it runs until it ends ("Standard and Express workflow types",
 * https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html: exactly-once, up to a year), a
 * Rekognition job once started publishes its completion to its topic ("Calling Amazon Rekognition Video
 * operations", https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html), and SNS and Lambda deliver it at
 * least once ("Amazon SNS message delivery retries",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html).
 *
 * <p>Each {@code local up} is a process of its own, as a user's is, and is killed with its whole tree (the JVM
 * and the local DynamoDB's Node process), by the PIDs this test started.
 */
class LocalUpCrashIT {

    private static final Pattern ENDPOINT = Pattern.compile("export AWS_ENDPOINT_URL_([A-Z0-9]+)=(\\S+)");
    private static final String SOURCE = PipelineDeployment.Settings.defaults().sourceBucket();
    private static final String RECORDS = PipelineDeployment.Settings.defaults().recordTable();
    private static final int VIDEOS = 5;
    /** The resource Step Functions reports for "Analyze With Rekognition", a lambda:invoke.waitForTaskToken task. */
    private static final String CALLBACK_TASK = "invoke.waitForTaskToken";
    /**
     * Long enough that the 5 executions all wait on their jobs before any job ends, on a loaded machine; after
     * the restart the jobs end at their original due time.
     */
    private static final int REKOGNITION_JOB_SECONDS = 90;
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration SETTLE = Duration.ofSeconds(300);

    @TempDir
    Path workDir;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killWhatThisTestStarted() {
        started.forEach(LocalUpCrashIT::killTree);
    }

    @Test
    void fiveExecutionsWaitingOnRekognition_shouldAllSucceed_withTheirRecords_afterKill9AndRestart_withoutReplay()
            throws Exception {
        // GIVEN local up, with 5 uploads whose executions all wait on the Rekognition callback
        Path data = workDir.resolve("data");
        LocalUp first = startLocalUp(data, "first");
        String machine;
        try (S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), first.endpoint("S3"));
                SfnClient sfn = LocalAws.client(SfnClient.builder(), first.endpoint("SFN"))) {
            machine = sfn.listStateMachines().stateMachines().stream()
                    .filter(m -> m.name().equals(PipelineDeployment.STATE_MACHINE)).findFirst().orElseThrow()
                    .stateMachineArn();
            for (int i = 1; i <= VIDEOS; i++) {
                String key = "crash/clip-" + i + ".mp4";
                s3.putObject(b -> b.bucket(SOURCE).key(key),
                        RequestBody.fromFile(RepositoryFiles.root().resolve(RepositoryFiles.SAMPLE)));
            }
            Await.until(VIDEOS + " executions waiting on the Rekognition callback", START,
                    () -> waitingOnTheCallback(sfn, machine), waiting -> waiting == VIDEOS);
            assertThat(SfnExecutions.executions(sfn, machine)).hasSize(VIDEOS)
                    .allSatisfy(e -> assertThat(e.status()).isEqualTo(ExecutionStatus.RUNNING));
        }

        // WHEN it is killed with SIGKILL, its whole process tree, and started again on the same work dir
        killTree(first.process());
        LocalUp second = startLocalUp(data, "second");

        // THEN the 5 executions end SUCCEEDED, each having started its analysis once, no other execution started
        try (SfnClient sfn = LocalAws.client(SfnClient.builder(), second.endpoint("SFN"));
                DynamoDbClient dynamoDb = LocalAws.client(DynamoDbClient.builder(), second.endpoint("DYNAMODB"))) {
            assertThat(SfnExecutions.executions(sfn, machine)).as("the executions the restarted runtime knows")
                    .hasSize(VIDEOS);
            List<ExecutionListItem> ended = Await.until(VIDEOS + " executions of " + machine + " to end", SETTLE,
                    () -> SfnExecutions.executions(sfn, machine),
                    all -> all.size() >= VIDEOS && all.stream().noneMatch(e -> e.status() == ExecutionStatus.RUNNING));
            assertThat(ended).hasSize(VIDEOS)
                    .allSatisfy(e -> assertThat(e.status()).as(e.name()).isEqualTo(ExecutionStatus.SUCCEEDED));
            for (ExecutionListItem execution : ended) {
                assertThat(analysisStarts(SfnExecutions.history(sfn, execution.executionArn())))
                        .as("analysis task starts in %s", execution.name()).isEqualTo(1);
            }
            // AND the table holds one COMPLETE record per video
            List<Map<String, AttributeValue>> records = dynamoDb.scan(b -> b.tableName(RECORDS)).items();
            assertThat(records).hasSize(VIDEOS).allSatisfy(item ->
                    assertThat(item.get("status").s()).as(item.get("pk").s()).isEqualTo("COMPLETE"));
            assertThat(records).extracting(item -> item.get("pk").s()).containsExactlyInAnyOrder(
                    SOURCE + "/crash/clip-1.mp4", SOURCE + "/crash/clip-2.mp4", SOURCE + "/crash/clip-3.mp4",
                    SOURCE + "/crash/clip-4.mp4", SOURCE + "/crash/clip-5.mp4");
        }
    }

    /** Running executions whose Rekognition task has been submitted (its Lambda returned) and not answered. */
    private static long waitingOnTheCallback(SfnClient sfn, String machine) {
        return SfnExecutions.executions(sfn, machine).stream()
                .filter(e -> e.status() == ExecutionStatus.RUNNING)
                .map(e -> SfnExecutions.history(sfn, e.executionArn()))
                .filter(history -> history.stream().anyMatch(h -> h.type() == HistoryEventType.TASK_SUBMITTED)
                        && history.stream().noneMatch(h -> h.type() == HistoryEventType.TASK_SUCCEEDED
                                && CALLBACK_TASK.equals(h.taskSucceededEventDetails().resource())))
                .count();
    }

    /** The TaskScheduled events of the callback task: a task started again after the restart would be a second. */
    private static long analysisStarts(List<HistoryEvent> history) {
        return history.stream().filter(h -> h.type() == HistoryEventType.TASK_SCHEDULED
                && CALLBACK_TASK.equals(h.taskScheduledEventDetails().resource())).count();
    }

    private record LocalUp(Process process, Map<String, URI> endpoints) {
        URI endpoint(String service) {
            return endpoints.get(service);
        }
    }

    /** {@code vidmeta local up} in a JVM of its own, as the launcher starts it; returns once its banner is out. */
    private LocalUp startLocalUp(Path data, String run) throws IOException {
        Path out = workDir.resolve(run + ".out");
        Path err = workDir.resolve(run + ".err");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Dvidmeta.dynalite.dir=" + System.getProperty("vidmeta.dynalite.dir"),
                "-cp", System.getProperty("java.class.path"), VidmetaCommand.class.getName(),
                "local", "up", "--work-dir", data.toString(),
                "--rekognition-job-seconds", String.valueOf(REKOGNITION_JOB_SECONDS))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        started.add(process);
        Map<String, URI> endpoints = Await.until("local up (" + run + ") to print its endpoints", START, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("local up (" + run + ") exited with " + process.exitValue() + ": "
                        + read(err));
            }
            return endpoints(read(out));
        }, found -> found.keySet().containsAll(List.of("S3", "SFN", "DYNAMODB")));
        return new LocalUp(process, endpoints);
    }

    private static Map<String, URI> endpoints(String banner) {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        Matcher m = ENDPOINT.matcher(banner);
        while (m.find()) {
            endpoints.put(m.group(1), URI.create(m.group(2)));
        }
        return endpoints;
    }

    /** SIGKILL to the process and every descendant it has, as kill -9 would; waits until all are gone. */
    private static void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.addFirst(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + handle.pid() + " did not end after SIGKILL", e);
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
