package dev.vidmeta.local.lambda;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * One function as Terraform deploys it: a name, a handler, its environment and its limits.
 *
 * @param handlerFactory builds one handler instance (one Lambda execution environment) from the
 *     function's environment variables -- in practice the handler's dependency-taking constructor fed by
 *     {@code TaskConfig} read from this map, because a JVM has one {@code System.getenv()} for all functions
 * @param environment exactly the variables Terraform sets on the function
 */
public record LocalFunction(
        String name, HandlerFactory handlerFactory, Map<String, String> environment, Duration timeout, int memoryMb) {

    /** Lambda's defaults: 3 s timeout, 128 MB. */
    public static LocalFunction of(String name, HandlerFactory handlerFactory, Map<String, String> environment) {
        return new LocalFunction(name, handlerFactory, environment, Duration.ofSeconds(3), 128);
    }

    public LocalFunction {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(handlerFactory, "handlerFactory");
        environment = Map.copyOf(environment);
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException(name + ": Lambda timeouts are 1 s to 900 s, not " + timeout);
        }
    }

    public LocalFunction withTimeout(Duration newTimeout) {
        return new LocalFunction(name, handlerFactory, environment, newTimeout, memoryMb);
    }

    /** Creates a handler: a {@code RequestStreamHandler} or a {@code RequestHandler}. */
    @FunctionalInterface
    public interface HandlerFactory {
        Object create(Map<String, String> environment);
    }
}
