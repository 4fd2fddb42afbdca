package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import software.amazon.awssdk.regions.Region;
import org.junit.jupiter.api.Test;

class DeploymentOptionsTest {

    private static final String MACHINE = "arn:aws:states:eu-west-1:111122223333:stateMachine:video-metadata";

    @Test
    void stateMachine_shouldPreferTheFlag_overTheEnvironment() {
        var options = new DeploymentOptions();
        options.environment = Map.of(DeploymentOptions.STATE_MACHINE_ENV, "arn:from:env");
        options.stateMachineArn = MACHINE;

        assertThat(options.stateMachineArn()).isEqualTo(MACHINE);
    }

    @Test
    void settings_shouldComeFromTheEnvironment_whenNoFlag() {
        var options = new DeploymentOptions();
        options.environment = Map.of(DeploymentOptions.STATE_MACHINE_ENV, " " + MACHINE + " ",
                DeploymentOptions.TABLE_ENV, "vidmeta-records");

        assertThat(options.stateMachineArn()).isEqualTo(MACHINE);
        assertThat(options.recordTable()).isEqualTo("vidmeta-records");
    }

    @Test
    void settings_shouldNameEveryWayToSetThem_whenMissing() {
        // The test runs inside the repository, where Terraform has never been applied.
        var options = new DeploymentOptions();
        options.environment = Map.of();

        assertThatThrownBy(options::stateMachineArn).isInstanceOf(DeploymentOptions.MissingSettingException.class)
                .hasMessageContainingAll("--state-machine-arn", "VIDMETA_STATE_MACHINE_ARN", "terraform");
        assertThatThrownBy(options::recordTable).hasMessageContainingAll("--table", "VIDMETA_RECORD_TABLE",
                "record_table_name");
    }

    @Test
    void callbackQueue_shouldComeFromTheFlag_elseTheEnvironment_elseSayHowToSetIt() {
        var options = new DeploymentOptions();
        options.environment = Map.of(DeploymentOptions.CALLBACK_QUEUE_ENV, "https://sqs/env");
        var unset = new DeploymentOptions();
        unset.environment = Map.of();

        assertThat(options.callbackFailureQueueUrl("https://sqs/flag")).isEqualTo("https://sqs/flag");
        assertThat(options.callbackFailureQueueUrl(null)).isEqualTo("https://sqs/env");
        assertThatThrownBy(() -> unset.callbackFailureQueueUrl(null)).hasMessageContainingAll("--queue-url",
                "VIDMETA_CALLBACK_FAILURE_QUEUE_URL", "callback_failure_queue_url");
    }

    @Test
    void executionArn_shouldExpandABareName_ofThisStateMachine() {
        var options = new DeploymentOptions();
        options.stateMachineArn = MACHINE;

        assertThat(options.executionArn("abc-r1"))
                .isEqualTo("arn:aws:states:eu-west-1:111122223333:execution:video-metadata:abc-r1");
        assertThat(options.executionArn("arn:aws:states:x")).isEqualTo("arn:aws:states:x");
    }

    @Test
    void clients_shouldUseAwsDefaultRegion_asTheAwsCliDoes() {
        // GIVEN only the AWS CLI's variable (https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html)
        try (var options = new DeploymentOptions()) {
            options.environment = Map.of("AWS_DEFAULT_REGION", "eu-west-3");

            // WHEN the clients are built THEN every one is in that region
            assertThat(options.sfn().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
            assertThat(options.dynamoDb().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
            assertThat(options.s3().serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_3);
        }
    }
}
