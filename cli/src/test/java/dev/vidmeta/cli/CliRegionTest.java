package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The region order of "AWS Region", AWS SDKs and Tools Reference Guide
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html): AWS_REGION, then the AWS CLI's
 * AWS_DEFAULT_REGION, and the SDK's own chain for the rest.
 */
class CliRegionTest {

    private static final Map<String, String> NO_PROPERTIES = Map.of();

    @Test
    void resolve_shouldTakeAwsDefaultRegion_whenAwsRegionIsUnset() {
        assertThat(CliRegion.resolve(Map.of("AWS_DEFAULT_REGION", "eu-west-3"), NO_PROPERTIES::get))
                .hasValue(Region.EU_WEST_3);
    }

    @Test
    void resolve_shouldPreferAwsRegion_overAwsDefaultRegion() {
        var environment = Map.of("AWS_REGION", "ap-southeast-2", "AWS_DEFAULT_REGION", "eu-west-3");

        assertThat(CliRegion.resolve(environment, NO_PROPERTIES::get)).hasValue(Region.AP_SOUTHEAST_2);
    }

    @Test
    void resolve_shouldSkipBlankValues() {
        var environment = Map.of("AWS_REGION", " ", "AWS_DEFAULT_REGION", " eu-west-3 ");

        assertThat(CliRegion.resolve(environment, NO_PROPERTIES::get)).hasValue(Region.EU_WEST_3);
    }

    @Test
    void resolve_shouldLeaveItToTheSdk_whenTheSystemPropertyIsSet_orNothingIs() {
        // The SDK reads aws.region before AWS_REGION; the profile and instance metadata come after both.
        var environment = Map.of("AWS_DEFAULT_REGION", "eu-west-3");

        assertThat(CliRegion.resolve(environment, Map.of("aws.region", "us-west-2")::get)).isEmpty();
        assertThat(CliRegion.resolve(Map.of(), NO_PROPERTIES::get)).isEmpty();
    }
}
