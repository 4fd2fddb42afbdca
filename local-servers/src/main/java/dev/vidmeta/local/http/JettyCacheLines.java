package dev.vidmeta.local.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Spares s3proxy's Jetty (shaded into its jar) the platform MBean server. Jetty's {@code MemoryUtils} sizes the padding of its queues by how many
 * object references fit a cache line, and unless the system property {@code <jetty package>.util.referencesPerCacheLine}
 * says so it asks the platform MBean server whether the JVM compresses references; building that server
 * registers every platform MXBean, about 0.25 s of CPU (measured alone, JDK 25, C1), at every start of the local
 * runtime. The same answer comes from the HotSpot diagnostic MXBean alone, without the server: this sets the
 * property from it as MemoryUtils would compute it (its cache line,
 * {@code <jetty package>.util.cacheLineBytes}, 64 unless set, divided by 4 bytes a compressed reference, else 8).
 * A property already set is left as it is.
 */
public final class JettyCacheLines {

    private static final String JETTY = "org.gaul.shaded.org.eclipse.jetty";

    private JettyCacheLines() {}

    /** Call before the first Jetty class initialises (once is enough; again does nothing). */
    public static synchronized void preset() {
        String property = JETTY + ".util.referencesPerCacheLine";
        if (System.getProperty(property) != null) {
            return;
        }
        Boolean compressed = compressedReferences();
        if (compressed == null) {
            return; // not HotSpot: Jetty asks as it always did
        }
        int cacheLineBytes = Integer.getInteger(JETTY + ".util.cacheLineBytes", 64);
        System.setProperty(property, Integer.toString(cacheLineBytes / (compressed ? 4 : 8)));
    }

    private static Boolean compressedReferences() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hotSpot == null ? null : Boolean.parseBoolean(hotSpot.getVMOption("UseCompressedOops").getValue());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
