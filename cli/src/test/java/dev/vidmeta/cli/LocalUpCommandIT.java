package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.local.WorkDirLock;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** {@code vidmeta local up} deploys the whole pipeline: an upload runs the state machine and writes a record. */
class LocalUpCommandIT {

    @TempDir
    Path workDir;

    @Test
    void localUp_shouldRunThePipeline_onAnUpload_andServeItsRecordInTheConsole() throws Exception {
        // GIVEN local up as parsed from its command line, started as its run() starts it
        var command = new LocalUpCommand();
        new CommandLine(command).parseArgs("--work-dir", workDir.toString(), "--rekognition-job-seconds", "1");
        try (LocalUpCommand.Running running = command.start();
                S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), running.runtime().s3().endpoint());
                SfnClient sfn = LocalAws.client(SfnClient.builder(), running.runtime().endpoints().get("SFN"))) {
            // WHEN the sample is uploaded to the watched bucket, as the banner suggests
            s3.putObject(b -> b.bucket("vidmeta-uploads").key("sample.mp4"),
                    RequestBody.fromFile(RepositoryFiles.root().resolve(RepositoryFiles.SAMPLE)));

            // THEN the project's state machine runs it to success
            assertThat(running.runtime().stateMachineArn()).endsWith(":stateMachine:" + PipelineDeployment.STATE_MACHINE);
            ExecutionListItem execution = awaitEnded(sfn, running.runtime().stateMachineArn());
            assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            // AND the console reads its record from the table the pipeline wrote
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(running.console().endpoint()
                    .resolve("api/record?arn=" + URLEncoder.encode(execution.executionArn(), StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            JsonNode record = new ObjectMapper().readTree(body);
            assertThat(record.path("table").asText()).isEqualTo(PipelineDeployment.Settings.defaults().recordTable());
            assertThat(record.path("pk").asText()).isEqualTo("vidmeta-uploads/sample.mp4");
            assertThat(record.path("item").toString()).as(body).contains("COMPLETE");
        }
    }

    /** Waits (bounded, for a whole pipeline run on a loaded machine) until the newest execution has ended. */
    @Test
    void localUp_onAWorkDirInUse_shouldSaySo_inOneLine_andStartNothing() throws Exception {
        // GIVEN a work directory another local runtime holds
        try (WorkDirLock held = WorkDirLock.acquire(workDir)) {
            var err = new StringWriter();
            var cli = VidmetaCommand.commandLine();
            cli.setErr(new PrintWriter(err, true));

            // WHEN local up is started on it
            int exit = cli.execute("local", "up", "--work-dir", workDir.toString());

            // THEN it says which work dir and who holds it, without a stack trace, and fails
            assertThat(exit).isEqualTo(CommandLine.ExitCode.SOFTWARE);
            assertThat(err.toString().strip()).isEqualTo("vidmeta local up: work dir " + workDir
                    + " is in use by another local runtime (pid " + ProcessHandle.current().pid()
                    + "): stop it, or give this one another --work-dir");
        }
    }

    private static ExecutionListItem awaitEnded(SfnClient sfn, String machine) {
        return Await.until("an execution of " + machine + " to end", Duration.ofSeconds(60),
                () -> SfnExecutions.executions(sfn, machine),
                all -> !all.isEmpty() && all.getFirst().status() != ExecutionStatus.RUNNING).getFirst();
    }
}
