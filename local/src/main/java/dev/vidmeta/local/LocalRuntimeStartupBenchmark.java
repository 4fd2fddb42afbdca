package dev.vidmeta.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Prints how long the whole local runtime takes to start and stop (issue goal: up in 3 s or less).
 * The first run includes class loading and JIT warm-up in a fresh JVM -- what {@code vidmeta local up} pays;
 * later runs show the warm cost. CPU time is printed too: on a shared, loaded machine wall time mostly
 * measures the wait for a core, CPU time what starting costs.
 *
 * <pre>
 * mvn -B -q -pl local -am package -DskipTests
 * java -cp local/target/classes:$(cat local/target/classpath.txt) dev.vidmeta.local.LocalRuntimeStartupBenchmark [runs]
 * </pre>
 */
public final class LocalRuntimeStartupBenchmark {

    private LocalRuntimeStartupBenchmark() {
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (int run = 1; run <= runs; run++) {
            Path workDir = Files.createTempDirectory("vidmeta-bench");
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            var runtime = LocalRuntime.start(LocalDeployment.builder().sourceBucket("uploads").build(),
                    LocalRuntime.Options.defaults(workDir));
            long up = System.nanoTime();
            long cpuUp = cpuNanos();
            runtime.close();
            long down = System.nanoTime();
            System.out.printf("run %d: up in %d ms (%d ms CPU, %d cores), stopped in %d ms%s%n", run,
                    Duration.ofNanos(up - start).toMillis(), Duration.ofNanos(cpuUp - cpuStart).toMillis(),
                    Runtime.getRuntime().availableProcessors(), Duration.ofNanos(down - up).toMillis(),
                    run == 1 ? " (cold JVM)" : "");
        }
    }
}
