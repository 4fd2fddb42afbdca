package dev.vidmeta.terraform;

import static dev.vidmeta.terraform.TerraformModule.list;
import static dev.vidmeta.terraform.TerraformModule.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.PipelineDeployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local runtime's default settings ({@link PipelineDeployment.Settings#defaults()}) are Terraform's
 * variable defaults, rendered as Terraform hands them to the functions and the state machine, so that
 * {@code vidmeta demo} runs the pipeline a default {@code terraform apply} deploys. Bucket names are not
 * compared: Terraform derives them from the account, the region or a random suffix.
 */
class LocalDefaultsMatchTerraformTest {

    private static final PipelineDeployment.Settings LOCAL = PipelineDeployment.Settings.defaults();
    private static TerraformModule terraform;

    @BeforeAll
    static void load() {
        terraform = TerraformModule.load(TerraformMatchesCodeTest.REPO.resolve("terraform"));
    }

    @Test
    void resultsPrefix_shouldBeTerraformsDefault() {
        assertThat(LOCAL.resultsPrefix()).isEqualTo(defaultOf("results_prefix"));
    }

    @Test
    void watchedPrefixesAndSuffixes_shouldBeTerraformsDefaults_commaJoinedAsTheStateMachineGetsThem() {
        // stepfunctions.tf passes them to templatefile() as join(",", var.watched_...)
        assertThat(LOCAL.watchedPrefixes()).isEqualTo(String.join(",", TerraformModule.<String>list(defaultOf("watched_prefixes"))));
        assertThat(LOCAL.watchedSuffixes()).isEqualTo(String.join(",", TerraformModule.<String>list(defaultOf("watched_suffixes"))));
    }

    @Test
    void analyses_shouldBeTerraformsDefault_inTheAnalysesSpecTheFunctionsRead() {
        // lambda.tf: analyses_spec = join(",", [for a in var.analyses : name, or name:min_confidence])
        List<String> spec = TerraformModule.<Object>list(defaultOf("analyses")).stream().map(a -> {
            Map<String, Object> analysis = map(a, "an analyses default entry");
            Object confidence = analysis.get("min_confidence");
            return confidence == null ? String.valueOf(analysis.get("name")) : analysis.get("name") + ":" + confidence;
        }).toList();

        assertThat(LOCAL.analyses()).isEqualTo(String.join(",", spec));
    }

    @Test
    void analysisTimeout_shouldBeTerraformsDefault() {
        long seconds = ((Number) defaultOf("analysis_timeout_seconds")).longValue();

        assertThat(LOCAL.analysisTimeout()).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void rekognitionJobSlotsAndLease_shouldBeTerraformsDefaults() {
        // lambda.tf: REKOGNITION_JOB_SLOTS = var.rekognition_job_slots, REKOGNITION_LEASE_SECONDS = the analysis timeout
        assertThat(LOCAL.rekognitionJobSlots()).isEqualTo(((Number) defaultOf("rekognition_job_slots")).intValue());
        assertThat(LOCAL.rekognitionLease())
                .isEqualTo(Duration.ofSeconds(((Number) defaultOf("analysis_timeout_seconds")).longValue()));
    }

    @Test
    void tableNames_shouldBeTerraformsWithTheDefaultNamePrefix() {
        String prefix = String.valueOf(defaultOf("name_prefix"));

        assertThat(LOCAL.recordTable()).isEqualTo(withNamePrefix(tableName("record"), prefix));
        assertThat(LOCAL.taskTokenTable()).isEqualTo(withNamePrefix(tableName("task_token"), prefix));
    }

    private static Object defaultOf(String variable) {
        Map<String, Object> block = map(terraform.variables().get(variable), "variable \"" + variable + "\"");
        assertThat(block).as("variable %s has a default", variable).containsKey("default");
        return block.get("default");
    }

    private static String tableName(String resource) {
        return String.valueOf(terraform.resource("aws_dynamodb_table", resource).get("name"));
    }

    /** hcl4j leaves {@code ${var.name_prefix}} unresolved (as its text, with or without the interpolation marks). */
    private static String withNamePrefix(String name, String prefix) {
        return name.replace("${var.name_prefix}", prefix).replace("var.name_prefix", prefix);
    }
}
