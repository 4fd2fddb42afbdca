package dev.vidmeta.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * terraform/ against the AWS provider's own schema, without the provider: the configuration as @cdktf/hcl2json
 * converts it, the schema as @cdktf/provider-aws ships it (generated from hashicorp/aws's schema; its README names
 * the provider version). Both are pinned in terraform-check/package-lock.json. This is what `terraform validate`
 * would check first, and the provider cannot be downloaded where vidmeta is built.
 */
class TerraformProviderSchemaTest {

    /** Types of the other providers (hashicorp/http, hashicorp/local): no schema here, so listed on purpose. */
    static final Set<String> NOT_AWS = Set.of("data:http", "resource:local_file");

    @Test
    void everyResourceDataSourceAndProviderBlock_shouldMatchTheAwsProviderSchema() {
        // GIVEN terraform/*.tf converted by hcl2json, and the schema of every type they use
        JsonNode files = NpmTools.run("hcl2json", TerraformMatchesCodeTest.REPO.resolve("terraform").toString());
        Set<String> types = ProviderSchema.typesIn(files);
        JsonNode schema = NpmTools.run(schemaArgs(types));
        // (the schema's provider version is one that versions.tf's constraint accepts: same major, "~> N.x")
        String constraint = files.path("versions.tf").path("terraform").path(0).path("required_providers").path(0)
                .path("aws").path("version").asText();
        assertThat(constraint).as("hashicorp/aws version constraint in versions.tf").matches("~> [0-9]+\\.[0-9]+");
        String major = constraint.substring(3, constraint.indexOf('.'));
        assertThat(schema.path("providerVersion").asText()).as("AWS provider version of %s", schema.path("package"))
                .startsWith(major + ".");

        // WHEN every block is compared with its schema
        List<String> problems = ProviderSchema.problems(files, schema.path("types"));

        // THEN nothing is unknown or missing, and the only types not checked are the other providers' few
        assertThat(problems).as("terraform/ vs %s (hashicorp/aws %s)", schema.path("package").asText(),
                schema.path("providerVersion").asText()).isEmpty();
        Set<String> notAws = new TreeSet<>(types);
        notAws.removeIf(ProviderSchema::isAws);
        assertThat(notAws).as("types of providers other than hashicorp/aws (not checked here)").isEqualTo(NOT_AWS);
    }

    @Test
    void schemaCheck_shouldReportAnUnknownArgumentAndAMissingRequiredOne(@TempDir Path dir) throws IOException {
        // GIVEN a function with a misspelt argument and no role, a bucket with an unknown nested block, a policy
        // document with a dynamic statement missing its condition's "values", and a type the provider lacks
        Files.writeString(dir.resolve("main.tf"), """
                resource "aws_lambda_function" "f" {
                  function_name = "f"
                  memory_mb     = 512
                  tracing_config {
                    mode = "Active"
                  }
                }

                resource "aws_s3_bucket" "b" {
                  bucket = "b"
                  versioning_rule {
                    enabled = true
                  }
                }

                data "aws_iam_policy_document" "p" {
                  dynamic "statement" {
                    for_each = ["x"]
                    content {
                      actions = ["s3:GetObject"]
                      condition {
                        test     = "StringEquals"
                        variable = "aws:SourceAccount"
                      }
                    }
                  }
                }

                resource "aws_no_such_thing" "n" {
                }
                """);

        // WHEN it is checked
        JsonNode files = NpmTools.run("hcl2json", dir.toString());
        JsonNode schema = NpmTools.run(schemaArgs(ProviderSchema.typesIn(files)));
        List<String> problems = ProviderSchema.problems(files, schema.path("types"));

        // THEN each defect is named, and nothing else
        assertThat(problems).containsExactlyInAnyOrder(
                "main.tf: resource \"aws_lambda_function\" \"f\": unknown argument \"memory_mb\" (not in the AWS provider's schema)",
                "main.tf: resource \"aws_lambda_function\" \"f\": missing required argument \"role\"",
                "main.tf: resource \"aws_s3_bucket\" \"b\": unknown argument \"versioning_rule\" (not in the AWS provider's schema)",
                "main.tf: data \"aws_iam_policy_document\" \"p\" dynamic \"statement\" content condition: missing required argument \"values\"",
                "main.tf: resource \"aws_no_such_thing\" \"n\": the AWS provider has no resource type aws_no_such_thing");
    }

    static String[] schemaArgs(Set<String> types) {
        List<String> args = new ArrayList<>(List.of("schema"));
        types.stream().filter(ProviderSchema::isAws).forEach(args::add);
        return args.toArray(String[]::new);
    }
}
