package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.aws.AwsErrors;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Supplier;
import org.slf4j.MDC;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/** What every handler does around its one domain call: JSON in and out, log context, the error contract. */
final class Handlers {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Handlers() {}

    static <T> T read(InputStream input, Class<T> type) throws IOException {
        try {
            return JSON.readValue(input, type);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("input is not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    static void write(OutputStream output, Object value) throws IOException {
        JSON.writeValue(output, value);
    }

    /** Puts the object's identity in every log line of this invocation (never the task token). */
    static void logContext(String executionName, ObjectRef object) {
        if (executionName != null) {
            MDC.put("executionName", executionName);
        }
        if (object != null) {
            MDC.put("bucket", object.bucket());
            MDC.put("key", object.key());
            if (object.versionId() != null) {
                MDC.put("versionId", object.versionId());
            }
        }
    }

    /**
     * Runs {@code body} with Powertools' Lambda fields in the logs, and maps SDK failures worth retrying to
     * {@link TransientTaskException}, the name the state machine retries.
     */
    static <T> T run(Context context, Supplier<T> body) {
        try {
            Supplier<T> mapped = () -> {
                try {
                    return body.get();
                } catch (RuntimeException e) {
                    if (AwsErrors.isTransient(e)) {
                        throw new TransientTaskException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
                    }
                    throw e;
                }
            };
            // The local runtime may invoke without a Lambda context; Powertools needs one for its fields.
            return context == null ? mapped.get() : PowertoolsLogging.withLogging(context, mapped);
        } finally {
            MDC.clear();
        }
    }
}
