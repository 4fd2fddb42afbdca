package dev.vidmeta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.LocalS3;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.PrefetchingReader;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.probe.RangedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The efficiency benchmark: the probe's S3 path against the {@code mediainfo} CLI, side by
 * side on the same corpus, through the same latency-injecting proxy in front of a local S3.
 *
 * <pre>
 *   bench/run-probe-bench [--quick] [--dir DIR] [--latency-ms 30] [--no-heap-check]
 * </pre>
 *
 * <p>Both sides are measured at the proxy (requests, response body bytes), so they are charged
 * alike. The probe side is {@code MediaProbe} over {@code PrefetchingReader} over
 * {@code S3RangedReader}, as the Lambda runs it; the CLI reads a presigned URL. Its JSON is
 * compared with {@code mediainfo --Output=JSON <local file>}, the definition of equal.
 * Then each file is probed again in a child JVM with {@code -Xmx64m}, which reports its status
 * and peak heap. This is a benchmark that prints numbers; nothing here is a test.
 */
public final class ProbeBench {

    static final String BUCKET = "bench";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one side cost on one file. */
    record Run(long requests, long bytes, long millis, JsonNode report, String status) {}

    private ProbeBench() {}

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean heapCheck = true;
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "vidmeta-bench");
        long latencyMs = 30;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-heap-check" -> heapCheck = false;
                case "--dir" -> dir = Path.of(args[++i]);
                case "--latency-ms" -> latencyMs = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: run-probe-bench [--quick] [--dir DIR] [--latency-ms N] [--no-heap-check]");
                    System.exit(2);
                }
            }
        }
        Corpus corpus = Corpus.prepare(dir.resolve("corpus"), quick);
        try (LocalS3 s3 = LocalS3.start(dir.resolve("s3"), event -> { });
                LatencyProxy proxy = LatencyProxy.start(s3.endpoint(), Duration.ofMillis(latencyMs));
                S3Client direct = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
                S3Client viaProxy = probeClient(proxy.endpoint());
                S3Presigner presigner = S3Presigner.builder()
                        .endpointOverride(proxy.endpoint())
                        .region(LocalAws.region())
                        .credentialsProvider(LocalAws.credentials())
                        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                                .pathStyleAccessEnabled(true).build())
                        .build()) {
            s3.createBucket(BUCKET, false);
            List<Corpus.Entry> entries = corpus.entries(quick);
            for (Corpus.Entry entry : entries) {
                upload(direct, corpus.path(entry.name()), entry.name());
            }
            // One unmeasured probe so the table shows a warm JVM, as a warm Lambda would be.
            probe(viaProxy, entries.getFirst().name(), proxy);

            List<String> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            long[] totals = new long[6];
            for (Corpus.Entry entry : entries) {
                Path file = corpus.path(entry.name());
                JsonNode reference = MediaInfoJson.cli(file.toString());
                Run cli = cli(presigner, entry.name(), proxy);
                Run probe = probe(viaProxy, entry.name(), proxy);
                List<String> diff = probe.report() == null
                        ? List.of("probe status " + probe.status())
                        : MediaInfoJson.differences(reference, probe.report());
                List<String> cliDiff = MediaInfoJson.differences(reference, cli.report());
                rows.add(String.format(Locale.ROOT, "| %s %s | %d | %s | %,d ms | %d | %s | %,d ms | %s |",
                        entry.label(), human(Files.size(file)), cli.requests(), human(cli.bytes()), cli.millis(),
                        probe.requests(), human(probe.bytes()), probe.millis(), diff.isEmpty() ? "yes" : "NO"));
                if (!diff.isEmpty()) {
                    notes.add(entry.name() + ": probe differs from mediainfo <file>: "
                            + String.join("; ", diff.subList(0, Math.min(5, diff.size()))));
                }
                if (!cliDiff.isEmpty()) {
                    notes.add(entry.name() + ": (for reference) mediainfo <url> differs from mediainfo <file> in "
                            + cliDiff.size() + " fields, e.g. " + cliDiff.getFirst());
                }
                long[] add = {cli.requests(), cli.bytes(), cli.millis(), probe.requests(), probe.bytes(), probe.millis()};
                for (int i = 0; i < add.length; i++) {
                    totals[i] += add[i];
                }
            }
            System.out.printf(Locale.ROOT, "%nProbe (S3 path) vs mediainfo %s CLI (presigned URL), %d ms time to first byte"
                    + " per request, loopback, local S3 (s3proxy)%n%n", cliVersion(), latencyMs);
            System.out.println("| file | CLI requests | CLI bytes | CLI wall | probe requests | probe bytes | probe wall | JSON equal |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "| **total** | %d | %s | %,d ms | %d | %s | %,d ms | |%n",
                    totals[0], human(totals[1]), totals[2], totals[3], human(totals[4]), totals[5]);
            System.out.printf(Locale.ROOT, "%nprobe/CLI: bytes %.1f %%, wall time %.1f %%%n",
                    100.0 * totals[4] / totals[1], 100.0 * totals[5] / totals[2]);
            notes.forEach(n -> System.out.println("note: " + n));

            if (heapCheck) {
                System.out.printf("%nThe same probes in a child JVM with -Xmx64m (one JVM per file):%n%n");
                System.out.println("| file | status | requests | bytes | wall | peak live heap (after GC) |");
                System.out.println("|---|---|---|---|---|---|");
                for (Corpus.Entry entry : entries) {
                    System.out.println(smallHeapRun(proxy.endpoint(), entry));
                }
            }
        }
    }

    /** The client a Lambda would build: enough pooled connections for the prefetcher's parallel reads. */
    static S3Client probeClient(URI endpoint) {
        return S3RangedReader.clientBuilder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(LocalAws.region())
                .credentialsProvider(LocalAws.credentials())
                .build();
    }

    /** Probes one object through the proxy and returns what the proxy saw. */
    static Run probe(S3Client s3, String key, LatencyProxy proxy) throws IOException {
        proxy.reset();
        long start = System.nanoTime();
        ProbeResult result;
        try (RangedReader reader = PrefetchingReader.wrap(S3RangedReader.create(s3, BUCKET, key))) {
            result = MediaProbe.create().probe(reader, key);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        LatencyProxy.Counts counts = proxy.counts();
        return new Run(counts.requests(), counts.bytes(), millis, result.mediaInfo(), result.status().name());
    }

    private static Run cli(S3Presigner presigner, String key, LatencyProxy proxy) throws IOException {
        String url = presigner.presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(30))
                .getObjectRequest(g -> g.bucket(BUCKET).key(key))).url().toString();
        proxy.reset();
        long start = System.nanoTime();
        JsonNode report = MediaInfoJson.cli(url);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        LatencyProxy.Counts counts = proxy.counts();
        return new Run(counts.requests(), counts.bytes(), millis, report, "OK");
    }

    private static void upload(S3Client s3, Path file, String key) throws IOException {
        long size = Files.size(file);
        try {
            if (s3.headObject(h -> h.bucket(BUCKET).key(key)).contentLength() == size) {
                return;
            }
        } catch (NoSuchKeyException missing) {
            // upload below
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
        }
        System.err.println("uploading " + key + " to the local S3 ...");
        s3.putObject(p -> p.bucket(BUCKET).key(key), RequestBody.fromFile(file));
    }

    private static String smallHeapRun(URI endpoint, Corpus.Entry entry) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx64m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), ProbeOnce.class.getName(),
                endpoint.toString(), BUCKET, entry.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        if (process.exitValue() != 0 || out.isEmpty()) {
            return "| " + entry.label() + " | FAILED (exit " + process.exitValue() + ") | | | | |";
        }
        JsonNode line = JSON.readTree(out);
        return String.format(Locale.ROOT, "| %s | %s | %d | %s | %,d ms | %s |", entry.label(),
                line.path("status").asText(), line.path("requests").asLong(), human(line.path("bytes").asLong()),
                line.path("millis").asLong(), human(line.path("peakLiveHeap").asLong()));
    }

    private static String cliVersion() {
        try {
            Process process = new ProcessBuilder("mediainfo", "--Version").redirectErrorStream(true).start();
            String text = new String(process.getInputStream().readAllBytes());
            process.waitFor(10, TimeUnit.SECONDS);
            int v = text.indexOf(" v");
            return v < 0 ? "" : text.substring(v + 2).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static String human(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%,d KB", (bytes + 999) / 1000);
    }
}
