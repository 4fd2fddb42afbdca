package dev.vidmeta.local.events;

import dev.vidmeta.local.TemplateFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.event.ruler.GenericMachine;

/**
 * EventBridge's default bus, locally: rules matched with AWS's own {@code event-ruler} library, each match
 * delivered to the rule's target with the event unchanged (the Terraform target has no input transformer).
 *
 * <p>Delivery is asynchronous, as on EventBridge, on one thread per bus so that events from one bucket
 * reach targets in the order they were put. A target that throws is retried with exponential backoff and
 * then dead-lettered: logged and kept in {@link #deadLetters()}, like the rule's SQS dead-letter queue.
 */
public final class LocalEventBridge implements AutoCloseable {

    /** The project's rule pattern; Terraform renders the same file (events/object-created-rule.json). */
    public static final String OBJECT_CREATED_RULE_RESOURCE = "/dev/vidmeta/local/events/object-created-rule.json";

    private static final System.Logger LOG = System.getLogger(LocalEventBridge.class.getName());

    private final GenericMachine<String> machine = new GenericMachine<>();
    private final Map<String, Consumer<String>> targets = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "eventbridge-delivery");
        t.setDaemon(true);
        return t;
    });
    private final int maxAttempts;
    private final Duration firstBackoff;

    /** An event no attempt could deliver. */
    public record DeadLetter(String rule, String eventJson, String error) { }

    private LocalEventBridge(int maxAttempts, Duration firstBackoff) {
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    public static LocalEventBridge create() {
        return new LocalEventBridge(4, Duration.ofMillis(200));
    }

    public static LocalEventBridge create(int maxAttempts, Duration firstBackoff) {
        return new LocalEventBridge(maxAttempts, firstBackoff);
    }

    /** The project's Object Created pattern rendered for one bucket, exactly as Terraform renders it. */
    public static String objectCreatedPattern(String sourceBucketName) {
        try (InputStream in = LocalEventBridge.class.getResourceAsStream(OBJECT_CREATED_RULE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OBJECT_CREATED_RULE_RESOURCE + " is not on the class path");
            }
            String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return TemplateFile.render(template, Map.of("source_bucket_name", sourceBucketName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PutRule + PutTargets: events matching {@code patternJson} go to {@code target}. */
    public synchronized void putRule(String name, String patternJson, Consumer<String> target) {
        try {
            machine.addRule(name, patternJson);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("rule " + name + " has an invalid event pattern: " + e.getMessage(), e);
        }
        targets.put(name, target);
    }

    /** PutEvents: returns the rules that matched; delivery to their targets happens afterwards. */
    public List<String> putEvent(String eventJson) {
        List<String> matched;
        try {
            synchronized (this) {
                matched = machine.rulesForJSONEvent(eventJson);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("not a JSON event: " + e.getMessage(), e);
        }
        for (String rule : matched) {
            Consumer<String> target = targets.get(rule);
            delivery.execute(() -> deliver(rule, target, eventJson));
        }
        return matched;
    }

    private void deliver(String rule, Consumer<String> target, String eventJson) {
        long backoff = firstBackoff.toMillis();
        for (int attempt = 1; ; attempt++) {
            try {
                target.accept(eventJson);
                return;
            } catch (RuntimeException e) {
                if (attempt >= maxAttempts) {
                    deadLetters.add(new DeadLetter(rule, eventJson, String.valueOf(e.getMessage())));
                    LOG.log(System.Logger.Level.ERROR, "rule " + rule + ": event dead-lettered after " + attempt
                            + " attempts: " + e.getMessage());
                    return;
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff *= 2;
            }
        }
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Waits for queued deliveries, then stops. */
    @Override
    public void close() {
        delivery.shutdown();
        try {
            if (!delivery.awaitTermination(5, TimeUnit.SECONDS)) {
                delivery.shutdownNow();
            }
        } catch (InterruptedException e) {
            delivery.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
