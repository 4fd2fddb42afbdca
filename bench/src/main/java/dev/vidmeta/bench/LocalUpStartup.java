package dev.vidmeta.bench;

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
import java.util.stream.Stream;

/**
 * Benchmark (not a test): how long {@code ./vidmeta local up} takes to print its banner, cold and warm, as a user
 * experiences it (goal: 1 s or less warm).
 *
 * <ul>
 *   <li><b>cold</b>: the first start after a build, when the launcher has no class cache yet (it deletes
 *       {@code cli/target/vidmeta-*.jsa} and {@code *.aot*} first, as a build does; the JVM then records what
 *       the cache needs as it exits), on an empty work directory;
 *   <li><b>warm</b>: every later start, on the work directory the previous run left (tables exist, as for a
 *       user's second {@code local up}). On JDK 25+ the second start makes the cache in the background and
 *       runs without it: it is printed but not counted, and the benchmark waits for the cache before the third.
 * </ul>
 *
 * <p>Each run starts {@code <launcher> local up} in a fresh process, times it until the banner, takes the
 * process tree's CPU time then, sends SIGTERM (what Ctrl-C triggers) and times the stop, and checks every printed
 * endpoint's port was released. CPU time is printed too: on a loaded machine wall time mostly measures the wait
 * for a core. The launcher must have built the CLI already (run {@code ./vidmeta --help} once).
 *
 * <p>Only the JDK, so it runs from source: {@code java bench/src/main/java/dev/vidmeta/bench/LocalUpStartup.java
 * ./vidmeta 6}
 */
public final class LocalUpStartup {

    private static final String BANNER = "vidmeta local runtime is up";
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private LocalUpStartup() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LocalUpStartup <launcher, e.g. ./vidmeta> [runs, default 6: 1 cold, the rest warm]"
                    + " (JDK 25+: the second start makes the class cache and is not counted)");
            System.exit(2);
        }
        Path launcher = Path.of(args[0]).toAbsolutePath();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path workDir = Files.createTempDirectory("vidmeta-startup");
        List<Long> warmWalls = new ArrayList<>();
        List<Long> warmCpus = new ArrayList<>();
        Path cliTarget = launcher.getParent().resolve("cli/target");
        for (int run = 1; run <= runs; run++) {
            boolean cold = run == 1;
            if (cold) {
                deleteArchives(cliTarget);
            }
            boolean making = !cold && cacheBeingMade(cliTarget);
            Result result = start(launcher, workDir.resolve("data"), workDir.resolve("stderr-" + run + ".txt"));
            boolean warm = !cold && !making && !cacheBeingMade(cliTarget);
            System.out.printf("run %d (%s): banner after %d ms (%d ms CPU), SIGTERM -> exit %s in %d ms, ports %s, load %s%n",
                    run, cold ? "cold" : warm ? "warm" : "warm, cache being made beside it: not counted",
                    result.upMillis, result.cpuMillis, result.exit, result.stopMillis,
                    result.released ? "released" : "STILL OPEN", loadAverage());
            if (warm) {
                warmWalls.add(result.upMillis);
                warmCpus.add(result.cpuMillis);
            }
            if (making) {
                awaitCache(cliTarget);
            }
        }
        if (!warmWalls.isEmpty()) {
            System.out.printf("warm, median of %d: banner after %d ms, %d ms CPU%n", warmWalls.size(), median(warmWalls),
                    median(warmCpus));
        }
    }

    private record Result(long upMillis, long cpuMillis, String exit, long stopMillis, boolean released) { }

    private static Result start(Path launcher, Path data, Path stderr) throws Exception {
        Process process = new ProcessBuilder(launcher.toString(), "local", "up", "--work-dir", data.toString())
                .redirectError(stderr.toFile())
                .start();
        long start = System.nanoTime();
        try (var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            List<Integer> ports = new ArrayList<>();
            long up = awaitBanner(out, ports, start);
            long cpu = cpuMillis(process.toHandle());
            long stopAt = System.nanoTime();
            process.destroy(); // SIGTERM
            boolean exited = process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            long down = System.nanoTime();
            if (!exited) {
                process.destroyForcibly();
            }
            return new Result(Duration.ofNanos(up - start).toMillis(), cpu,
                    exited ? String.valueOf(process.exitValue()) : "NONE (killed)",
                    Duration.ofNanos(down - stopAt).toMillis(), released(ports));
        } catch (IllegalStateException e) {
            process.destroyForcibly();
            throw new IllegalStateException(e.getMessage() + "; stderr:\n" + Files.readString(stderr), e);
        }
    }

    /** The launcher's JVM and its children (the local DynamoDB's Node process). */
    private static long cpuMillis(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().orElse(Duration.ZERO).toMillis())
                .sum();
    }

    /**
     * Whether the launcher's AOT cache for {@code local up} is recorded but not made yet (JDK 25+): the start after
     * the cold one makes it in the background, competing for the cores with that start and the next.
     */
    private static boolean cacheBeingMade(Path cliTarget) throws IOException {
        try (Stream<Path> files = Files.list(cliTarget)) {
            return files.anyMatch(f -> f.getFileName().toString().matches("vidmeta-local-up-.*\\.aotconf"));
        }
    }

    /**
     * After a start that found the recording, and so began making the cache beside it: waits (at most 3 minutes)
     * until the maker is done (it deletes the recording, made or not), so that the next start is a steady one.
     */
    private static void awaitCache(Path cliTarget) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (cacheBeingMade(cliTarget) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static void deleteArchives(Path cliTarget) throws IOException {
        try (Stream<Path> files = Files.list(cliTarget)) {
            for (Path archive : files.filter(f -> f.getFileName().toString().matches("vidmeta-.*\\.(jsa|aot.*)")).toList()) {
                Files.delete(archive);
            }
        }
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
