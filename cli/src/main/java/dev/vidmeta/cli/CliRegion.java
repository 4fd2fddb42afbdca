package dev.vidmeta.cli;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/**
 * The region of every SDK client the CLI builds for AWS, in the order the AWS CLI users expect.
 *
 * <p>The SDK for Java reads the {@code aws.region} system property, then {@code AWS_REGION}, then the shared
 * config file's profile, then instance metadata. The AWS CLI reads {@code AWS_REGION}, then
 * {@code AWS_DEFAULT_REGION}, then the profile, and a user who set up the AWS CLI often has only the latter.
 * So: the system property, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, then the SDK's own chain (profile,
 * instance metadata). "AWS Region", AWS SDKs and Tools Reference Guide:
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html (AWS CLI v2 takes AWS_REGION before
 * AWS_DEFAULT_REGION).
 */
final class CliRegion {

    static final String PROPERTY = "aws.region";
    static final String AWS_REGION = "AWS_REGION";
    static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";

    private CliRegion() {
    }

    /**
     * The region to set on a client, or empty to leave it to the SDK's chain (the profile, instance metadata).
     *
     * @param environment the process environment
     * @param properties system property lookup
     */
    static Optional<Region> resolve(Map<String, String> environment, UnaryOperator<String> properties) {
        if (present(properties.apply(PROPERTY))) {
            return Optional.empty(); // the SDK reads it first, as documented
        }
        for (String variable : new String[] {AWS_REGION, AWS_DEFAULT_REGION}) {
            String value = environment.get(variable);
            if (present(value)) {
                return Optional.of(Region.of(value.trim()));
            }
        }
        return Optional.empty();
    }

    /** Sets the region on {@code builder} when {@link #resolve} finds one in the process's settings. */
    static <B extends AwsClientBuilder<B, ?>> B apply(B builder, Map<String, String> environment) {
        resolve(environment, System::getProperty).ifPresent(builder::region);
        return builder;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
