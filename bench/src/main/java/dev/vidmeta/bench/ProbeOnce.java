package dev.vidmeta.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.PrefetchingReader;
import dev.vidmeta.probe.ProbeResult;
import dev.vidmeta.probe.RangedReader;
import java.lang.management.ManagementFactory;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One probe in its own JVM, for the benchmark's heap check ({@code -Xmx64m}): prints status,
 * requests and bytes (as the reader counted them), wall time (JVM start excluded) and the peak live heap (after GC) as one JSON line.
 */
public final class ProbeOnce {

    private ProbeOnce() {}

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        String bucket = args[1];
        String key = args[2];
        // Peak live heap: the heap in use right after each collection (what survives), at its highest.
        AtomicLong peakLive = new AtomicLong();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()).getGcInfo();
                    long live = info.getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> heapPools.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed())
                            .sum();
                    peakLive.accumulateAndGet(live, Math::max);
                }
            }, null, null);
        }
        long start = System.nanoTime();
        ProbeResult result;
        long requests;
        long bytes;
        try (S3Client s3 = ProbeBench.probeClient(endpoint);
                RangedReader reader = PrefetchingReader.wrap(S3RangedReader.create(s3, bucket, key))) {
            result = MediaProbe.create().probe(reader, key);
            requests = reader.requestCount();
            bytes = reader.bytesRead();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ObjectNode line = new ObjectMapper().createObjectNode()
                .put("status", result.status().name())
                .put("requests", requests)
                .put("bytes", bytes)
                .put("millis", millis)
                .put("peakLiveHeap", peakLive.get())
                .put("maxHeap", Runtime.getRuntime().maxMemory());
        System.out.println(line);
    }
}
