package dev.vidmeta.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudWatch Embedded Metric Format: one JSON log line per batch of metrics, which CloudWatch Logs turns into
 * metrics without any API call from the function. Dimensions are kept to the function and, where it matters,
 * the record status, so the metric count stays small.
 */
public final class EmfMetrics {

    public static final String NAMESPACE = "vidmeta";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final Clock clock;
    private final Map<String, String> dimensions = new LinkedHashMap<>();
    private final Map<String, Number> values = new LinkedHashMap<>();
    private final Map<String, String> units = new LinkedHashMap<>();

    public EmfMetrics(PrintStream out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public EmfMetrics dimension(String name, String value) {
        dimensions.put(name, value);
        return this;
    }

    /** Unit is one of CloudWatch's: Count, Bytes, Milliseconds, Seconds... */
    public EmfMetrics put(String name, Number value, String unit) {
        values.put(name, value);
        units.put(name, unit);
        return this;
    }

    /** Writes the line and forgets the values (dimensions stay). */
    public void flush() {
        if (values.isEmpty()) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        ObjectNode aws = line.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", NAMESPACE);
        ArrayNode dimensionSet = directive.putArray("Dimensions").addArray();
        dimensions.keySet().forEach(dimensionSet::add);
        ArrayNode metrics = directive.putArray("Metrics");
        values.keySet().forEach(name -> metrics.addObject().put("Name", name).put("Unit", units.get(name)));
        dimensions.forEach(line::put);
        values.forEach((name, v) -> line.put(name, v.doubleValue()));
        out.println(line);
        values.clear();
        units.clear();
    }
}
