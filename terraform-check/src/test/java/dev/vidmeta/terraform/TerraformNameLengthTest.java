package dev.vidmeta.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The longest name each resource in terraform/ can get, over every value its variables' validations accept and
 * every region, against the limit of the service that names it. A name built from variables is evaluated from its
 * HCL text (as hcl2json gives it): a variable at its longest accepted value, a local through its definition,
 * {@code each.key} over the for_each map's keys, the region at the longest region name AWS has, an account id at
 * its 12 digits. An expression the evaluator does not know fails the test with its text, so a new name is never
 * silently unchecked.
 */
class TerraformNameLengthTest {

    /** A resource's name argument and its service's limit. */
    record Limit(String argument, int max, String source) {
    }

    /**
     * Every resource type in terraform/ (and the ones planned next to them), with the arguments that name it.
     * A type with no name argument maps to an empty list. A type missing here fails the test.
     */
    static final Map<String, List<Limit>> LIMITS = Map.ofEntries(
            Map.entry("aws_s3_bucket", List.of(
                    new Limit("bucket", 63, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html"),
                    new Limit("bucket_prefix", 37, "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket#bucket_prefix"))),
            Map.entry("aws_lambda_function", List.of(
                    new Limit("function_name", 64, "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName"))),
            Map.entry("aws_lambda_alias", List.of(
                    new Limit("name", 128, "https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html#lambda-CreateAlias-request-Name"))),
            Map.entry("aws_lambda_layer_version", List.of(
                    new Limit("layer_name", 140, "https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html#lambda-PublishLayerVersion-request-LayerName"))),
            Map.entry("aws_lambda_permission", List.of(
                    new Limit("statement_id", 100, "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html#lambda-AddPermission-request-StatementId"))),
            Map.entry("aws_lambda_function_event_invoke_config", List.of()),
            Map.entry("aws_iam_role", List.of(
                    new Limit("name", 64, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html"),
                    new Limit("name_prefix", 38, "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role#name_prefix"))),
            Map.entry("aws_iam_role_policy", List.of(
                    new Limit("name", 128, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"))),
            Map.entry("aws_sfn_state_machine", List.of(
                    new Limit("name", 80, "https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html#StepFunctions-CreateStateMachine-request-name"))),
            Map.entry("aws_sqs_queue", List.of(
                    new Limit("name", 80, "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html#SQS-CreateQueue-request-QueueName"))),
            Map.entry("aws_sqs_queue_policy", List.of()),
            Map.entry("aws_sns_topic", List.of(
                    new Limit("name", 256, "https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html"))),
            Map.entry("aws_sns_topic_subscription", List.of()),
            Map.entry("aws_dynamodb_table", List.of(
                    new Limit("name", 255, "https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html#DDB-CreateTable-request-TableName"))),
            Map.entry("aws_cloudwatch_log_group", List.of(
                    new Limit("name", 512, "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html"))),
            Map.entry("aws_cloudwatch_event_rule", List.of(
                    new Limit("name", 64, "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html#eventbridge-PutRule-request-Name"))),
            Map.entry("aws_cloudwatch_event_target", List.of(
                    new Limit("target_id", 64, "https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html"))),
            Map.entry("aws_cloudwatch_metric_alarm", List.of(
                    new Limit("alarm_name", 255, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html"))),
            Map.entry("aws_s3_bucket_versioning", List.of()),
            Map.entry("aws_s3_bucket_notification", List.of()),
            Map.entry("aws_s3_bucket_server_side_encryption_configuration", List.of()),
            Map.entry("aws_s3_bucket_public_access_block", List.of()),
            Map.entry("aws_s3_bucket_ownership_controls", List.of()),
            Map.entry("aws_s3_bucket_policy", List.of()),
            Map.entry("local_file", List.of()));

    /**
     * Region codes from the AWS General Reference's list of Regions
     * (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html), with GovCloud and China;
     * the test also takes every region the AWS SDK's endpoint metadata knows ({@link Region#regions()}), which
     * includes the isolated partitions (us-isof-south-1, 15 characters, the longest today).
     */
    static final List<String> DOCUMENTED_REGIONS = List.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
            "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
            "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6",
            "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2",
            "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
            "mx-central-1", "sa-east-1", "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1");

    static int longestRegion() {
        return Stream.concat(DOCUMENTED_REGIONS.stream(), Region.regions().stream().map(Region::id))
                .filter(r -> !r.startsWith("aws-") && !r.contains("global")) // pseudo-regions: aws-global, ...
                .mapToInt(String::length).max().orElseThrow();
    }

    @Test
    void everyResourceName_shouldFitItsServicesLimitForTheLongestAcceptedInputsInTheLongestRegion() {
        // GIVEN every resource in terraform/ and the limits of the services that name them
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        Evaluator evaluator = new Evaluator(Hcl2Json.files(), longestRegion());
        for (JsonNode file : Hcl2Json.files()) {
            for (Iterator<Map.Entry<String, JsonNode>> t = file.path("resource").fields(); t.hasNext(); ) {
                Map.Entry<String, JsonNode> type = t.next();
                List<Limit> limits = LIMITS.get(type.getKey());
                if (limits == null) {
                    problems.add(type.getKey() + ": no name limit known; add it to TerraformNameLengthTest.LIMITS");
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> n = type.getValue().fields(); n.hasNext(); ) {
                    Map.Entry<String, JsonNode> named = n.next();
                    JsonNode body = named.getValue().get(0);
                    for (Limit limit : limits) {
                        JsonNode value = body.path(limit.argument());
                        if (value.isMissingNode()) {
                            continue;
                        }
                        String where = type.getKey() + "." + named.getKey() + "." + limit.argument();
                        // WHEN its longest value is computed
                        try {
                            int worst = evaluator.template(value.asText(), body.path("for_each").asText(""));
                            checked.add(where + " <= " + worst);
                            // THEN it fits
                            if (worst > limit.max()) {
                                problems.add(where + " can be " + worst + " characters, over the limit of "
                                        + limit.max() + " (" + limit.source() + ")");
                            }
                        } catch (IllegalArgumentException e) {
                            problems.add(where + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
        assertThat(problems).as("names over their limits (checked: %s)", checked).isEmpty();
        assertThat(checked).as("names checked").isNotEmpty();
    }

    @Test
    void evaluator_shouldFindTheWorstCaseOfAVariableFromItsValidationRegex() {
        // GIVEN name_prefix's validation (2-24 characters) and the longest region
        Evaluator evaluator = new Evaluator(Hcl2Json.files(), longestRegion());

        // WHEN the default results bucket name is evaluated
        int worst = evaluator.template("${var.name_prefix}-results-${data.aws_caller_identity.current.account_id}-"
                + "${data.aws_region.current.region}", "");

        // THEN it is 24 + "-results-" + 12 + "-" + the longest region
        assertThat(longestRegion()).isGreaterThanOrEqualTo("ap-southeast-2".length());
        assertThat(worst).isEqualTo(24 + 9 + 12 + 1 + longestRegion());
    }

    @Test
    void evaluator_shouldRefuseAnExpressionItDoesNotKnow() {
        Evaluator evaluator = new Evaluator(Hcl2Json.files(), longestRegion());

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> evaluator.template("${upper(var.tags)}-x", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upper(var.tags)");
    }

    /** Longest-value evaluation of the few HCL expressions names are built from. */
    static final class Evaluator {

        private static final int UNBOUNDED = 4096;
        private static final Pattern REGEX_CONDITION = Pattern.compile(
                "^\\$\\{can\\(regex\\(\"((?:[^\"\\\\]|\\\\.)*)\", var\\.(\\w+)\\)\\)\\}$");
        private static final Pattern NULL_OR_REGEX_CONDITION = Pattern.compile(
                "^\\$\\{var\\.(\\w+) == null \\|\\| can\\(regex\\(\"((?:[^\"\\\\]|\\\\.)*)\", var\\.\\1\\)\\)\\}$");

        private final Map<String, JsonNode> locals;
        private final Map<String, JsonNode> variables = new java.util.TreeMap<>();
        private final int longestRegion;

        Evaluator(JsonNode files, int longestRegion) {
            this.locals = Hcl2Json.locals();
            this.longestRegion = longestRegion;
            for (JsonNode file : files) {
                file.path("variable").fields().forEachRemaining(v -> variables.put(v.getKey(), v.getValue().get(0)));
            }
        }

        /** The longest length of an HCL string template ({@code "a-${expr}-b"}, as hcl2json gives it). */
        int template(String text, String forEach) {
            int length = 0;
            int i = 0;
            while (i < text.length()) {
                if (text.startsWith("${", i)) {
                    int end = closing(text, i + 1);
                    length += expression(text.substring(i + 2, end).strip(), forEach);
                    i = end + 1;
                } else {
                    length++;
                    i++;
                }
            }
            return length;
        }

        private int expression(String e, String forEach) {
            if (e.startsWith("\"") && e.endsWith("\"")) {
                return template(e.substring(1, e.length() - 1), forEach);
            }
            if (e.equals("data.aws_region.current.region")) {
                return longestRegion;
            }
            if (e.equals("data.aws_caller_identity.current.account_id")) {
                return 12; // "The AWS account ID, a 12-digit number": https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
            }
            if (e.equals("each.key")) {
                Matcher m = Pattern.compile("^\\$\\{local\\.(\\w+)\\}$").matcher(forEach);
                if (m.matches() && locals.get(m.group(1)) != null && locals.get(m.group(1)).isObject()) {
                    Set<String> keys = new TreeSet<>();
                    locals.get(m.group(1)).fieldNames().forEachRemaining(keys::add);
                    return keys.stream().mapToInt(String::length).max().orElse(0);
                }
                throw new IllegalArgumentException("each.key over for_each " + forEach + " is not a local map");
            }
            if (e.matches("local\\.\\w+") && locals.containsKey(e.substring(6))
                    && locals.get(e.substring(6)).isTextual()) {
                return template(locals.get(e.substring(6)).asText(), forEach);
            }
            if (e.matches("var\\.\\w+") && variables.containsKey(e.substring(4))) {
                return longestAccepted(e.substring(4));
            }
            List<String> args = call(e, "replace");
            if (args != null && args.size() == 3 && unquote(args.get(1)).length() == unquote(args.get(2)).length()) {
                return expression(args.get(0), forEach); // same-length replacement keeps the length
            }
            args = call(e, "coalesce");
            if (args != null) {
                int max = 0;
                for (String a : args) {
                    max = Math.max(max, expression(a, forEach));
                }
                return max;
            }
            throw new IllegalArgumentException("no worst case known for ${" + e + "}; teach "
                    + "TerraformNameLengthTest.Evaluator, or build the name from known parts");
        }

        /** The longest value a variable's regex validation accepts (tried up to an "unbounded" cap). */
        private int longestAccepted(String variable) {
            JsonNode v = variables.get(variable);
            String regex = null;
            for (JsonNode validation : v.path("validation")) {
                String condition = validation.path("condition").asText();
                Matcher m = REGEX_CONDITION.matcher(condition);
                if (m.matches() && m.group(2).equals(variable)) {
                    regex = hclUnescape(m.group(1));
                }
                Matcher n = NULL_OR_REGEX_CONDITION.matcher(condition);
                if (n.matches() && n.group(1).equals(variable)) {
                    regex = hclUnescape(n.group(2));
                }
            }
            if (regex == null) {
                throw new IllegalArgumentException("var." + variable + " has no regex validation to bound its length");
            }
            Pattern p = Pattern.compile(regex);
            int longest = -1;
            for (int n = 1; n <= UNBOUNDED; n++) {
                for (String candidate : candidates(n)) {
                    if (p.matcher(candidate).matches()) {
                        longest = n;
                    }
                }
            }
            if (longest < 0 || longest == UNBOUNDED) {
                throw new IllegalArgumentException("var." + variable + "'s validation " + regex
                        + (longest < 0 ? " accepts none of the probe values" : " does not bound its length"));
            }
            return longest;
        }

        /** Strings of length n in the shapes the validations accept: names and dotted version numbers. */
        private static List<String> candidates(int n) {
            List<String> c = new ArrayList<>();
            c.add("a".repeat(n));
            if (n > 6) {
                c.add("11.11." + "1".repeat(n - 6));
            }
            if (n >= 5) {
                c.add("11.11".substring(0, Math.min(5, n)) + "1".repeat(Math.max(0, n - 5)));
            }
            return c;
        }

        private static String hclUnescape(String s) {
            return s.replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\u0000", "\\");
        }

        private static String unquote(String s) {
            String t = s.strip();
            return t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
        }

        /** The arguments of {@code name(a, b, ...)}, split at top-level commas; null if e is not that call. */
        private static List<String> call(String e, String name) {
            if (!e.startsWith(name + "(") || !e.endsWith(")")) {
                return null;
            }
            String inner = e.substring(name.length() + 1, e.length() - 1);
            List<String> args = new ArrayList<>();
            int depth = 0;
            boolean quoted = false;
            int start = 0;
            for (int i = 0; i < inner.length(); i++) {
                char ch = inner.charAt(i);
                if (ch == '\\' && quoted) {
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (!quoted && (ch == '(' || ch == '[' || ch == '{')) {
                    depth++;
                } else if (!quoted && (ch == ')' || ch == ']' || ch == '}')) {
                    depth--;
                } else if (!quoted && depth == 0 && ch == ',') {
                    args.add(inner.substring(start, i).strip());
                    start = i + 1;
                }
            }
            if (!inner.substring(start).isBlank()) {
                args.add(inner.substring(start).strip());
            }
            return args;
        }

        /** Index of the '}' closing the '{' at {@code open}, skipping nested braces and quoted strings. */
        private static int closing(String s, int open) {
            int depth = 0;
            boolean quoted = false;
            for (int i = open; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '\\' && quoted) {
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (!quoted && ch == '{') {
                    depth++;
                } else if (!quoted && ch == '}' && --depth == 0) {
                    return i;
                }
            }
            throw new IllegalArgumentException("unterminated ${ in " + s);
        }
    }
}
