package dev.vidmeta.local.pipeline;

import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.RepoFiles;
import dev.vidmeta.testing.SfnExecutions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;

/**
 * Benchmark (not a test) of the whole local pipeline in real workflow time, printing:
 * <ol>
 *   <li>state transitions per video (entered states, Step Functions' billing unit), happy path, one analysis;
 *       goal at most 15;</li>
 *   <li>end-to-end latency per video minus the emulated Rekognition job time; goal at most 1 s;</li>
 *   <li>N uploads at once (default 100) against Rekognition's 20-job limit: how many records, by status.</li>
 * </ol>
 * Run: {@code bench/run-bench dev.vidmeta.local.pipeline.PipelineBenchmark [uploads-at-once]} (tasks/README.md,
 * "Pipeline benchmark"). It lives in bench/, beside the test helpers it borrows from local's tests, because a
 * benchmark is never a test (STYLE #6).
 */
public final class PipelineBenchmark {

    private static final Fixtures FIXTURES = Fixtures.in(RepoFiles.root().resolve("bench/target/fixtures"));

    private PipelineBenchmark() {}

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        Duration job = Duration.ofMillis(1000);
        Path work = Files.createTempDirectory("vidmeta-bench");
        Path video = FIXTURES.path(Fixture.MP4_MOOV_AT_END);
        try (var p = new PipelineRuntime(work, PipelineDeployment.Settings.defaults(), job, 1.0)) {
            // 1 + 2: one video at a time
            List<Long> overheads = new ArrayList<>();
            int transitions = 0;
            for (int i = 0; i < 5; i++) {
                int before = p.executions().size();
                p.upload("single/clip-" + i + ".mp4", video);
                List<ExecutionListItem> all = p.awaitExecutions(before + 1, Duration.ofMinutes(2));
                ExecutionListItem e = all.stream().filter(x -> x.startDate() != null)
                        .max((a, b) -> a.startDate().compareTo(b.startDate())).orElseThrow();
                long millis = Duration.between(e.startDate(), e.stopDate()).toMillis();
                overheads.add(millis - job.toMillis());
                transitions = SfnExecutions.enteredStates(p.sfn, e.executionArn()).size();
            }
            overheads.sort(Long::compare);
            System.out.printf("transitions per video (happy path, 1 analysis): %d%n", transitions);
            System.out.printf("end-to-end minus Rekognition job (%d ms), 5 videos: min %d ms, median %d ms, max %d ms%n",
                    job.toMillis(), overheads.get(0), overheads.get(2), overheads.get(4));

            // 3: a burst
            int before = p.executions().size();
            long t0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(burst, 32));
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                String key = "burst/clip-" + i + ".mp4";
                uploads.add(pool.submit(() -> p.upload(key, video)));
            }
            for (Future<String> f : uploads) {
                f.get();
            }
            pool.shutdown();
            p.awaitExecutions(before + burst, Duration.ofMinutes(30));
            Map<String, Integer> byStatus = new TreeMap<>();
            for (int i = 0; i < burst; i++) {
                var record = p.record("burst/clip-" + i + ".mp4");
                byStatus.merge(record == null ? "MISSING" : record.get("status").asText(), 1, Integer::sum);
            }
            System.out.printf("%d uploads at once: records by status %s in %.1f s%n", burst, byStatus,
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
