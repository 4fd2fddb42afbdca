package dev.vidmeta.local.lambda;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

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

    /**
     * Creates a handler: a {@code RequestStreamHandler} or a {@code RequestHandler}. The local Lambda calls it at a
     * function's first invocation, in the execution environment's Init phase, as Lambda does (see LocalLambda).
     */
    @FunctionalInterface
    public interface HandlerFactory {
        Object create(Map<String, String> environment);

        /**
         * The class {@link #create} returns, checked when the function is deployed, as CreateFunction names a
         * handler class without running it; null when it is known only once a handler is built (then the check
         * runs at the first invocation).
         */
        default Class<?> handlerClass() {
            return null;
        }

        /** A factory of {@code handlerClass} instances, whose type the deployment checks without building one. */
        static <H> HandlerFactory of(Class<H> handlerClass, Function<Map<String, String>, ? extends H> create) {
            Objects.requireNonNull(handlerClass, "handlerClass");
            Objects.requireNonNull(create, "create");
            return new HandlerFactory() {
                @Override
                public Object create(Map<String, String> environment) {
                    return create.apply(environment);
                }

                @Override
                public Class<?> handlerClass() {
                    return handlerClass;
                }
            };
        }
    }
}
