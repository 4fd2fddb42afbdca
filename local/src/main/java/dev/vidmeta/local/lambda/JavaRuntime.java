package dev.vidmeta.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * What Lambda's Java runtime does around one handler call: the payload read into a {@code RequestHandler}'s
 * input type with Jackson (unknown properties ignored) or handed as bytes to a {@code RequestStreamHandler}, the
 * result written back, and a thrown exception turned into the runtime's error document
 * (https://docs.aws.amazon.com/lambda/latest/dg/java-exceptions.html). See {@link LocalLambda}'s class comment.
 */
final class JavaRuntime {

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .findAndRegisterModules();

    private JavaRuntime() {}

    @SuppressWarnings({"unchecked", "rawtypes"})
    static byte[] run(Object handler, byte[] payload, LocalContext context) throws Exception {
        if (handler instanceof RequestStreamHandler stream) {
            var out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        }
        var typed = (RequestHandler) handler;
        Object input;
        try {
            input = JSON.readValue(payload, inputType(handler.getClass()));
        } catch (IOException e) {
            // The Java runtime's own wording for an event that does not fit the handler's type.
            throw new RuntimeException("An error occurred during JSON parsing", new UncheckedIOException(e));
        }
        Object output = typed.handleRequest(input, context);
        return JSON.writeValueAsBytes(output);
    }

    static JavaType inputType(Class<?> handlerClass) {
        for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    return JSON.getTypeFactory().constructType(p.getActualTypeArguments()[0]);
                }
            }
        }
        return JSON.getTypeFactory().constructType(Object.class);
    }

    static String errorDocument(String errorType, String message) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("errorType", errorType);
        doc.put("errorMessage", message);
        return doc.toString();
    }

    /** The Java runtime's document: message, fully qualified type, stack frames, and the cause chain. */
    static ObjectNode errorDocument(Throwable error) {
        ObjectNode doc = JSON.createObjectNode();
        if (error.getMessage() != null) {
            doc.put("errorMessage", error.getMessage());
        }
        doc.put("errorType", error.getClass().getName());
        ArrayNode frames = doc.putArray("stackTrace");
        for (StackTraceElement frame : error.getStackTrace()) {
            frames.add(frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                    + frame.getLineNumber() + ")");
        }
        if (error.getCause() != null && error.getCause() != error) {
            doc.set("cause", errorDocument(error.getCause()));
        }
        return doc;
    }
}
