package dev.vidmeta.local.rekognition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local Rekognition's jobs, kept on disk, are found by the next process on the same work dir: running ones
 * to end them, ended ones for Get*, and a ClientRequestToken's job, since "If you use the same token with multiple
 * StartLabelDetection requests, the same JobId is returned" (StartLabelDetection API reference,
 * https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartLabelDetection.html).
 */
class JobJournalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode job(String id, String status) throws Exception {
        return JSON.readTree("{\"JobId\": \"" + id + "\", \"Status\": \"" + status + "\", \"DueAtMillis\": 42}");
    }

    @Test
    void startedJob_shouldBeRunning_andFoundByItsToken_forTheNextInstance() throws Exception {
        // GIVEN a job started with a token, and one without
        JobJournal first = JobJournal.in(dir);
        first.started("0a1b", "token-1", job("0a1b", "IN_PROGRESS"));
        first.started("2c3d", null, job("2c3d", "IN_PROGRESS"));

        // WHEN the next run opens the journal
        JobJournal next = JobJournal.in(dir);

        // THEN both are running, as written, and the token names its job
        assertThat(next.running()).containsExactlyInAnyOrder(job("0a1b", "IN_PROGRESS"), job("2c3d", "IN_PROGRESS"));
        assertThat(next.jobIdOf("token-1")).isEqualTo("0a1b");
        assertThat(next.jobIdOf("token-2")).isNull();
        assertThat(next.finishedJob("0a1b")).isNull();
    }

    @Test
    void finishedJob_shouldNoLongerRun_butAnswerWithItsResults_andKeepItsToken() throws Exception {
        JobJournal first = JobJournal.in(dir);
        first.started("0a1b", "token-1", job("0a1b", "IN_PROGRESS"));

        first.finished("0a1b", job("0a1b", "SUCCEEDED"));

        JobJournal next = JobJournal.in(dir);
        assertThat(next.running()).isEmpty();
        assertThat(next.finishedJob("0a1b")).isEqualTo(job("0a1b", "SUCCEEDED"));
        assertThat(next.jobIdOf("token-1")).isEqualTo("0a1b");
    }

    @Test
    void tokensDifferingOnlyInCase_shouldNameTheirOwnJobs() throws Exception {
        JobJournal journal = JobJournal.in(dir);

        journal.started("0a1b", "Token", job("0a1b", "IN_PROGRESS"));
        journal.started("2c3d", "token", job("2c3d", "IN_PROGRESS"));

        assertThat(JobJournal.in(dir).jobIdOf("Token")).isEqualTo("0a1b");
        assertThat(JobJournal.in(dir).jobIdOf("token")).isEqualTo("2c3d");
    }

    @Test
    void running_shouldCountAJobAsEnded_whenACrashLeftItInBothPlaces() throws Exception {
        // GIVEN the process died after keeping the job as ended and before forgetting it as running
        JobJournal first = JobJournal.in(dir);
        first.started("0a1b", null, job("0a1b", "IN_PROGRESS"));
        Path running = dir.resolve("running").resolve("0a1b.json");
        byte[] stillRunning = Files.readAllBytes(running);
        first.finished("0a1b", job("0a1b", "SUCCEEDED"));
        Files.write(running, stillRunning);

        // WHEN the next run lists what is running
        JobJournal next = JobJournal.in(dir);

        // THEN the job is not run again, and its leftover is gone
        assertThat(next.running()).isEmpty();
        assertThat(running).doesNotExist();
        assertThat(next.finishedJob("0a1b")).isEqualTo(job("0a1b", "SUCCEEDED"));
    }

    @Test
    void finishedJob_shouldBeNull_forAnIdThatIsNoJobId() throws Exception {
        JobJournal journal = JobJournal.in(dir);
        journal.finished("0a1b", job("0a1b", "SUCCEEDED"));

        assertThat(journal.finishedJob("../done/0a1b")).isNull();
        assertThat(journal.finishedJob("")).isNull();
    }
}
