package dev.vidmeta.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark (not a test): prints how long {@code ./vidmeta local up} takes to start and stop, as a user
 * experiences it (issue goal: up in 3 s or less).
 *
 * <p>Each run starts {@code <launcher> local up} in a fresh process (a cold JVM, with the launcher's JVM flags),
 * times it until the banner line, takes the process's CPU time at that moment, then sends SIGTERM (what
 * Ctrl-C's SIGINT also triggers: the shutdown hook) and times the stop, printing the exit code and whether
 * every printed endpoint's port was released. CPU time is printed too: on a shared, loaded machine wall time
 * mostly measures the wait for a core, CPU time what starting costs.
 *
 * <p>It uses only the JDK, so its class path is the test classes alone:
 * <pre>
 * mvn -B -q -pl local -am test-compile
 * java -cp local/target/test-classes dev.vidmeta.local.LocalRuntimeStartupBenchmark ./vidmeta [runs]
 * </pre>
 * The launcher builds the CLI first if its sources changed (that run says "included a build"), and the first
 * start after a build also writes the launcher's class-data archive.
 */
public final class LocalRuntimeStartupBenchmark {

    private static final String BANNER = "vidmeta local runtime is up";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private LocalRuntimeStartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LocalRuntimeStartupBenchmark <launcher, e.g. ./vidmeta> [runs, default 5]");
            System.exit(2);
        }
        launcher(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 5);
    }

    private static void launcher(Path launcher, int runs) throws Exception {
        List<Long> walls = new ArrayList<>();
        List<Long> cpus = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            Path workDir = Files.createTempDirectory("vidmeta-bench");
            Path stderr = workDir.resolve("stderr.txt");
            Process process = new ProcessBuilder(launcher.toString(), "local", "up", "--work-dir",
                    workDir.resolve("data").toString())
                    .redirectError(stderr.toFile())
                    .start();
            long start = System.nanoTime();
            try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                List<Integer> ports = new ArrayList<>();
                long up = awaitBanner(out, ports, start);
                Duration cpu = process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
                long stopAt = System.nanoTime();
                process.destroy(); // SIGTERM
                boolean exited = process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                long down = System.nanoTime();
                if (!exited) {
                    process.destroyForcibly();
                }
                long upMs = Duration.ofNanos(up - start).toMillis();
                walls.add(upMs);
                cpus.add(cpu.toMillis());
                System.out.printf("run %d: banner after %d ms (%d ms CPU), SIGTERM -> exit %s in %d ms, ports %s, load %s%s%n",
                        run, upMs, cpu.toMillis(), exited ? String.valueOf(process.exitValue()) : "NONE (killed)",
                        Duration.ofNanos(down - stopAt).toMillis(), released(ports) ? "released" : "STILL OPEN",
                        loadAverage(), Files.readString(stderr).contains("building the CLI") ? " (included a build)" : "");
            } catch (IllegalStateException e) {
                process.destroyForcibly();
                System.out.printf("run %d: %s; stderr:%n%s%n", run, e.getMessage(), Files.readString(stderr));
                return;
            }
        }
        System.out.printf("median of %d: banner after %d ms, %d ms CPU%n", runs, median(walls), median(cpus));
    }

    /** Reads stdout until the banner, collecting the endpoint ports printed after it; returns the banner time. */
    private static long awaitBanner(BufferedReader out, List<Integer> ports, long start) throws IOException {
        Long up = null;
        String line;
        while ((line = out.readLine()) != null) {
            if (up == null && line.startsWith(BANNER)) {
                up = System.nanoTime();
            } else if (up != null && line.isBlank() && !ports.isEmpty()) {
                return up;
            } else if (up != null && line.contains("http://127.0.0.1:")) {
                ports.add(URI.create(line.substring(line.indexOf("http://"))).getPort());
            }
            if (System.nanoTime() - start > PATIENCE.toNanos()) {
                break;
            }
        }
        throw new IllegalStateException("no banner within " + PATIENCE.toSeconds() + " s or before the process ended");
    }

    private static boolean released(List<Integer> ports) {
        for (int port : ports) {
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return false;
            } catch (IOException refused) {
                // nothing listens any more: what we want
            }
        }
        return true;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
