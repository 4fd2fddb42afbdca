package dev.vidmeta.terraform;

import static dev.vidmeta.terraform.TerraformModule.list;
import static dev.vidmeta.terraform.TerraformModule.map;
import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * terraform/ against the code it deploys, read statically: Terraform through HashiCorp's HCL parser (hcl2json), the code
 * through its compiled classes. Each check fails with the names that differ, so drift on either side -- a renamed
 * handler, a new environment variable, a new SDK call, a new ASL placeholder -- breaks the build, not a deploy.
 */
class TerraformMatchesCodeTest {

    static final Path REPO = locateRepository();
    static final String APP_PACKAGE = "dev.vidmeta";
    static final String TASK_CONFIG = "dev/vidmeta/handler/TaskConfig";

    /** Function key (local.functions) -> its handler, and what the walk from it found (handler classes found). */
    static final Map<String, FunctionCode> CODE = new TreeMap<>();
    /** Every function's handler, found or not. */
    static final Map<String, FunctionCode> HANDLERS = new TreeMap<>();
    static TerraformModule terraform;

    record FunctionCode(String handlerClass, String handlerMethod, CallGraph graph) {
    }

    @BeforeAll
    static void loadTerraformAndWalkTheHandlers() {
        terraform = TerraformModule.fromJson(REPO.resolve("terraform"), Hcl2Json.files());
        ClassLoader loader = TerraformMatchesCodeTest.class.getClassLoader();
        for (Map.Entry<String, Object> f : functions().entrySet()) {
            String handler = String.valueOf(map(f.getValue(), "local.functions." + f.getKey()).get("handler"));
            String[] parts = handler.split("::", 2);
            String method = parts.length == 2 ? parts[1] : "handleRequest";
            HANDLERS.put(f.getKey(), new FunctionCode(parts[0], method, null));
            if (loader.getResource(parts[0].replace('.', '/') + ".class") != null) {
                // A missing handler fails handlers_should...; the other checks cover the functions that exist.
                CODE.put(f.getKey(), new FunctionCode(parts[0], method,
                        CallGraph.fromHandler(loader, APP_PACKAGE, parts[0], method)));
            }
        }
    }

    // --- handlers -------------------------------------------------------------------------------------------

    @Test
    void handlers_shouldBePublicClassesWithTheNamedMethodAndANoArgConstructor() throws Exception {
        // GIVEN every function's handler string in terraform/lambda.tf
        assertThat(HANDLERS).as("local.functions in terraform/lambda.tf").isNotEmpty();
        for (FunctionCode fn : HANDLERS.values()) {
            // WHEN the Lambda runtime would load it
            Class<?> type = Class.forName(fn.handlerClass(), false, getClass().getClassLoader());

            // THEN it can be instantiated and has the method
            assertThat(Modifier.isPublic(type.getModifiers())).as(fn.handlerClass() + " is public").isTrue();
            assertThat(type.getConstructor()).as(fn.handlerClass() + " no-arg constructor").isNotNull();
            assertThat(publicMethodsNamed(type, fn.handlerMethod()))
                    .as(fn.handlerClass() + "::" + fn.handlerMethod()).isNotEmpty();
        }
    }

    // --- environment ----------------------------------------------------------------------------------------

    @Test
    void environment_shouldSetExactlyTheVariablesEachFunctionsCodeReads() {
        Map<String, Object> common = map(terraform.locals().get("common_environment"), "local.common_environment");
        SoftAssertions soft = new SoftAssertions(); // one report naming every function that differs
        for (Map.Entry<String, FunctionCode> fn : CODE.entrySet()) {
            // GIVEN the variables Terraform sets for the function (its own, plus the common ones TaskConfig reads)
            Map<String, Object> own = environmentOf(fn.getKey());
            Set<String> setByTerraform = new TreeSet<>(own.keySet());
            Set<String> read = readByTaskConfig(fn.getValue().graph());
            common.keySet().stream().filter(read::contains).forEach(setByTerraform::add);

            // THEN they are exactly the names the code reachable from its handler reads through TaskConfig
            soft.assertThat(setByTerraform).as("environment of function '%s' (%s)", fn.getKey(),
                    fn.getValue().handlerClass()).isEqualTo(read);
        }
        soft.assertAll();
    }

    @Test
    void commonEnvironment_shouldOnlySetVariablesSomeLibraryOrTaskConfigReads() {
        // GIVEN the variables every function gets
        Set<String> common = map(terraform.locals().get("common_environment"), "local.common_environment").keySet();

        // THEN each is read by TaskConfig in some function, or by the library it configures (Powertools)
        Set<String> readByCode = CODE.values().stream().flatMap(f -> readByTaskConfig(f.graph()).stream())
                .collect(Collectors.toSet());
        Set<String> readByPowertools = LibraryStrings.in("software/amazon/lambda/powertools/");
        for (String name : common) {
            assertThat(readByCode.contains(name) || readByPowertools.contains(name))
                    .as("%s is set by local.common_environment but read by nothing on the classpath", name)
                    .isTrue();
        }
    }

    // --- state machine --------------------------------------------------------------------------------------

    @Test
    void stateMachineTemplate_shouldSupplyExactlyThePlaceholdersOfTheAsl() throws IOException {
        // GIVEN the templatefile() call of aws_sfn_state_machine.pipeline
        List<TerraformModule.TemplateFile> calls = TerraformModule.find(
                terraform.resource("aws_sfn_state_machine", "pipeline").get("definition"),
                TerraformModule.TemplateFile.class);
        assertThat(calls).as("definition = templatefile(...)").hasSize(1);
        TerraformModule.TemplateFile call = calls.get(0);
        assertThat(call.path()).isEqualTo(REPO.resolve("statemachine/video-metadata.asl.json"));

        // WHEN the ASL's ${placeholders} are listed
        Set<String> placeholders = Placeholders.in(Files.readString(call.path()));

        // THEN templatefile() supplies each one and nothing else
        assertThat(new TreeSet<>(call.vars().keySet())).isEqualTo(placeholders);
    }

    @Test
    void stateMachineRole_shouldInvokeExactlyTheFunctionsTheAslCalls() throws IOException {
        // GIVEN the ASL's lambda:invoke FunctionName placeholders and the templatefile() values for them
        TerraformModule.TemplateFile call = TerraformModule.find(
                terraform.resource("aws_sfn_state_machine", "pipeline").get("definition"),
                TerraformModule.TemplateFile.class).get(0);
        JsonNode asl = new ObjectMapper().readTree(Files.readString(call.path()));
        Set<String> invoked = new TreeSet<>();
        asl.findParents("Resource").stream()
                .filter(state -> state.path("Resource").asText().startsWith("arn:aws:states:::lambda:invoke"))
                .map(state -> state.path("Arguments").path("FunctionName").asText())
                .forEach(name -> invoked.add(String.valueOf(call.vars().get(Placeholders.name(name)))));

        // THEN the state machine role allows lambda:InvokeFunction on exactly those (the aliases)
        Set<String> allowed = new TreeSet<>();
        for (Map<String, Object> s : statements("state_machine")) {
            if (list(s.get("actions")).contains("lambda:InvokeFunction")) {
                list(s.get("resources")).forEach(r -> allowed.add(String.valueOf(r)));
            }
        }
        assertThat(allowed).isEqualTo(invoked);
        assertThat(invoked).allSatisfy(arn -> assertThat(arn).startsWith("local.alias_arns."));
    }

    @Test
    void stateMachineRole_shouldAllowExactlyTheServiceIntegrationsTheAslUses() throws IOException {
        // GIVEN the Task states' service integrations, e.g. arn:aws:states:::lambda:invoke.waitForTaskToken
        JsonNode asl = new ObjectMapper().readTree(Files.readString(REPO.resolve("statemachine/video-metadata.asl.json")));
        Set<String> needed = new TreeSet<>();
        for (JsonNode state : asl.findParents("Resource")) {
            needed.add(integrationAction(state.path("Resource").asText()));
        }

        // WHEN the state machine role's actions are listed, less what the service itself needs for logs and X-Ray
        Set<String> allowed = new TreeSet<>();
        for (Map<String, Object> s : statements("state_machine")) {
            if (!List.of("LogDelivery", "Tracing").contains(String.valueOf(s.get("sid")))) {
                allowed.addAll(list(s.get("actions")));
            }
        }

        // THEN they are the same
        assertThat(allowed).isEqualTo(needed);
    }

    /**
     * The IAM action of an optimized or AWS SDK integration ({@code arn:aws:states:::dynamodb:putItem},
     * {@code arn:aws:states:::aws-sdk:s3:getObject}); Lambda's "invoke" is authorized by lambda:InvokeFunction.
     * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
     */
    static String integrationAction(String resource) {
        String prefix = "arn:aws:states:::";
        assertThat(resource).as("Task Resource").startsWith(prefix);
        String integration = resource.substring(prefix.length());
        if (integration.startsWith("aws-sdk:")) {
            integration = integration.substring("aws-sdk:".length());
        }
        int dot = integration.indexOf('.');
        String call = dot < 0 ? integration : integration.substring(0, dot); // drop .sync / .waitForTaskToken
        if (call.equals("lambda:invoke")) {
            return "lambda:InvokeFunction";
        }
        int colon = call.indexOf(':');
        return call.substring(0, colon + 1) + Character.toUpperCase(call.charAt(colon + 1)) + call.substring(colon + 2);
    }

    // --- IAM ------------------------------------------------------------------------------------------------

    @Test
    void functionPolicies_shouldAllowExactlyTheActionsDerivedFromEachFunctionsSdkCalls() {
        ClassLoader loader = getClass().getClassLoader();
        Map<String, Object> policies = map(terraform.locals().get("function_policies"), "local.function_policies");
        assertThat(new TreeSet<>(policies.keySet())).as("local.function_policies keys")
                .isEqualTo(HANDLERS.keySet());
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, FunctionCode> fn : CODE.entrySet()) {
            // GIVEN the function's code policy (local.function_policies.<fn> -> data.aws_iam_policy_document.<fn>)
            assertThat(policies.get(fn.getKey()))
                    .isEqualTo("data.aws_iam_policy_document." + fn.getKey() + ".json");
            // (with every analysis configured: the code can run each; the optional KMS grant is checked apart)
            Set<String> allowed = new TreeSet<>();
            statements(fn.getKey()).stream().filter(s -> !"DecryptSourceObjects".equals(s.get("sid")))
                    .forEach(s -> allowed.addAll(Hcl2Json.actions(s.get("actions"),
                            Hcl2Json.rekognitionOperations().values())));

            // WHEN the actions are derived from the SDK calls reachable from its handler
            Set<String> needed = IamActions.of(fn.getValue().graph().externalCalls(), loader);

            // THEN the policy allows those, and nothing more
            soft.assertThat(allowed).as("actions in data.aws_iam_policy_document.%s (code: %s)", fn.getKey(),
                    fn.getValue().handlerClass()).isEqualTo(needed);
        }
        soft.assertAll();
    }

    @Test
    void functionPolicies_shouldScopeEachStatementToTheResourcesTheFunctionIsConfiguredWith() {
        for (String fn : CODE.keySet()) {
            // GIVEN the resources the function's environment names (e.g. aws_dynamodb_table.record.name)
            String environment = String.valueOf(environmentOf(fn));
            for (Map<String, Object> s : statements(fn)) {
                List<String> actions = Hcl2Json.actions(s.get("actions"), Hcl2Json.rekognitionOperations().values());
                List<Object> resources = list(s.get("resources"));
                String where = "data.aws_iam_policy_document." + fn + " statement " + s.get("sid");
                assertThat(resources).as(where + " resources").isNotEmpty();
                for (String action : actions) {
                    String service = action.substring(0, action.indexOf(':'));
                    switch (service) {
                        // Rekognition's Start*/Get* video operations have no resource-level permissions.
                        case "rekognition" -> assertThat(resources).as(where).containsExactly("*");
                        // THEN a table action names a table the function is configured with, by ARN
                        case "dynamodb" -> assertThat(resources).as(where).allSatisfy(r -> {
                            String table = String.valueOf(r);
                            assertThat(table).startsWith("aws_dynamodb_table.").endsWith(".arn");
                            assertThat(environment).contains(table.replace(".arn", ".name"));
                        });
                        case "states" -> assertThat(resources).as(where)
                                .containsExactly("aws_sfn_state_machine.pipeline.arn");
                        case "iam" -> assertThat(resources).as(where).allSatisfy(r ->
                                assertThat(environment).contains(String.valueOf(r)));
                        // s3:ListBucket is a bucket action (its statement narrows it with s3:prefix); the rest
                        // are object actions.
                        case "s3" -> assertThat(resources).as(where).allSatisfy(r ->
                                assertThat(String.valueOf(r)).isIn(action.equals("s3:ListBucket")
                                        ? List.of("local.source_bucket_arn")
                                        : List.of("local.source_object_arns", "local.results_object_arn")));
                        case "kms" -> assertThat(resources).as(where).containsExactly("statement.value");
                        default -> throw new AssertionError(where + ": no resource rule for " + action);
                    }
                }
                if (actions.contains("s3:PutObject")) {
                    // Writes go to the results location only, never to the watched bucket.
                    assertThat(resources).as(where).containsExactly("local.results_object_arn");
                }
            }
        }
    }

    @Test
    void rekognitionOperations_shouldPairEachAnalysisOfTheCodeWithTheOperationsTheCodeCallsForIt() throws Exception {
        // GIVEN local.rekognition_operations (analysis -> Start<op>/Get<op>), which the IAM grants are built from
        Map<String, String> operations = Hcl2Json.rekognitionOperations();
        Set<String> codes = new TreeSet<>();
        for (dev.vidmeta.analysis.Analysis a : dev.vidmeta.analysis.Analysis.values()) {
            codes.add(a.code());
        }
        assertThat(new TreeSet<>(operations.keySet())).as("local.rekognition_operations keys").isEqualTo(codes);

        for (dev.vidmeta.analysis.Analysis analysis : dev.vidmeta.analysis.Analysis.values()) {
            // WHEN the code starts the analysis and reads its results, through a client that records each call
            List<String> calls = new ArrayList<>();
            var analyzer = new dev.vidmeta.aws.RekognitionVideoAnalyzer(recordingRekognition(calls),
                    "arn:aws:sns:us-east-1:111122223333:AmazonRekognition-t", "arn:aws:iam::111122223333:role/t");
            ignoringFailure(() -> analyzer.start(new dev.vidmeta.analysis.AnalysisRequest(analysis, 0f),
                    objectRef("b", "k.mp4"), "token", "tag"));
            ignoringFailure(() -> analyzer.results(analysis, "job"));

            // THEN they are exactly Start<op> and Get<op> of the pair Terraform grants
            String op = operations.get(analysis.code());
            assertThat(calls).as("Rekognition calls for %s", analysis.code())
                    .containsExactly("start" + op, "get" + op);
        }
    }

    @Test
    void rekognitionGrants_shouldAllowOnlyTheOperationsOfTheConfiguredAnalyses() {
        for (Map.Entry<String, String> configured : Hcl2Json.rekognitionOperations().entrySet()) {
            // GIVEN var.analyses = [{ name = <one analysis> }]
            List<String> only = List.of(configured.getValue());

            // WHEN the functions' Rekognition statements are evaluated
            Set<String> start = rekognitionActions("start_analysis", only);
            Set<String> callback = rekognitionActions("rekognition_callback", only);

            // THEN both may start and read that analysis only (the callback starts the jobs of the waiters it wakes)
            String op = configured.getValue();
            assertThat(start).as("start_analysis with %s", configured.getKey())
                    .containsExactlyInAnyOrder("rekognition:Start" + op, "rekognition:Get" + op);
            assertThat(callback).as("rekognition_callback with %s", configured.getKey())
                    .containsExactlyInAnyOrder("rekognition:Start" + op, "rekognition:Get" + op);
        }
    }

    @Test
    void listBucket_shouldBeNarrowedToTheWatchedPrefixes() {
        // GIVEN the probe's s3:ListBucket statement (honest 404s, API_GetObject.html, Permissions)
        JsonNode statement = null;
        for (JsonNode document : Hcl2Json.policyDocuments("probe")) {
            for (JsonNode s : document.path("statement")) {
                if (s.path("actions").toString().contains("s3:ListBucket")) {
                    statement = s;
                }
            }
        }
        assertThat(statement).as("probe statement with s3:ListBucket").isNotNull();

        // THEN it names the source bucket and, when prefixes are watched, only keys under them (s3:prefix)
        assertThat(statement.path("resources").toString()).isEqualTo("[\"${local.source_bucket_arn}\"]");
        JsonNode condition = statement.path("dynamic").path("condition").path(0);
        assertThat(condition.path("for_each").asText())
                .isEqualTo("${length(var.watched_prefixes) > 0 ? [local.source_prefix_patterns] : []}");
        JsonNode content = condition.path("content").path(0);
        assertThat(content.path("test").asText()).isEqualTo("StringLike");
        assertThat(content.path("variable").asText()).isEqualTo("s3:prefix");
        assertThat(content.path("values").asText()).isEqualTo("${condition.value}");
        assertThat(Hcl2Json.locals().get("source_prefix_patterns").asText())
                .isEqualTo("${[for p in var.watched_prefixes : \"${p}*\"]}");
    }

    @Test
    void kmsDecrypt_shouldGoThroughS3ToExactlyTheFunctionsWhoseCredentialsReadSourceObjects() {
        for (String fn : HANDLERS.keySet()) {
            // GIVEN whether the function's credentials read source objects (itself, or Rekognition with them:
            // https://docs.aws.amazon.com/rekognition/latest/APIReference/API_S3Object.html)
            boolean readsSource = statements(fn).stream().anyMatch(s ->
                    list(s.get("actions")).contains("s3:GetObject")
                            && list(s.get("resources")).contains("local.source_object_arns"));

            // WHEN its dynamic KMS statement is looked up
            JsonNode dynamic = Hcl2Json.policyDocuments(fn).stream()
                    .map(document -> document.path("dynamic").path("statement").path(0))
                    .filter(found -> !found.isMissingNode()).findFirst().orElse(MissingNode.getInstance());

            // THEN exactly those have one: kms:Decrypt on var.source_kms_key_arn (when set), only via S3
            if (!readsSource) {
                assertThat(dynamic.isMissingNode()).as("%s reads no source object, so no KMS grant", fn).isTrue();
                continue;
            }
            assertThat(dynamic.path("for_each").asText()).as(fn).isEqualTo("${local.source_kms_key_arns}");
            JsonNode content = dynamic.path("content").path(0);
            assertThat(content.path("actions").toString()).as(fn).isEqualTo("[\"kms:Decrypt\"]");
            assertThat(content.path("resources").toString()).as(fn).isEqualTo("[\"${statement.value}\"]");
            JsonNode via = content.path("condition").path(0);
            assertThat(via.path("variable").asText()).isEqualTo("kms:ViaService");
            assertThat(via.path("values").toString()).isEqualTo("[\"s3.${data.aws_region.current.region}.amazonaws.com\"]");
        }
        assertThat(Hcl2Json.locals().get("source_kms_key_arns").asText())
                .isEqualTo("${var.source_kms_key_arn == null ? [] : [var.source_kms_key_arn]}");
    }

    static Set<String> rekognitionActions(String policy, List<String> operations) {
        Set<String> actions = new TreeSet<>();
        for (Map<String, Object> s : statements(policy)) {
            Hcl2Json.actions(s.get("actions"), operations).stream().filter(a -> a.startsWith("rekognition:"))
                    .forEach(actions::add);
        }
        return actions;
    }

    /** A RekognitionClient that records the name of each operation called, then fails it. */
    static software.amazon.awssdk.services.rekognition.RekognitionClient recordingRekognition(List<String> calls) {
        return (software.amazon.awssdk.services.rekognition.RekognitionClient) java.lang.reflect.Proxy.newProxyInstance(
                TerraformMatchesCodeTest.class.getClassLoader(),
                new Class<?>[] {software.amazon.awssdk.services.rekognition.RekognitionClient.class},
                (proxy, method, args) -> {
                    boolean consumerOverload = method.getParameterCount() == 1
                            && method.getParameterTypes()[0] == java.util.function.Consumer.class;
                    if (method.isDefault() && consumerOverload) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    calls.add(method.getName());
                    throw new IllegalStateException("recorded " + method.getName());
                });
    }

    /** An ObjectRef with only a bucket and a key, whatever other components the record has. */
    static dev.vidmeta.record.ObjectRef objectRef(String bucket, String key) throws Exception {
        var components = dev.vidmeta.record.ObjectRef.class.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = switch (components[i].getName()) {
                case "bucket" -> bucket;
                case "key" -> key;
                default -> types[i] == boolean.class ? (Object) false : types[i].isPrimitive() ? 0 : null;
            };
        }
        return dev.vidmeta.record.ObjectRef.class.getDeclaredConstructor(types).newInstance(values);
    }

    interface Call {
        void run() throws Exception;
    }

    static void ignoringFailure(Call call) {
        try {
            call.run();
        } catch (Exception e) {
            // the recording client fails every operation on purpose; the call was recorded before
        }
    }

    // --- DynamoDB -------------------------------------------------------------------------------------------

    @Test
    void recordTable_shouldMatchTheCodesCreateTableRequest() throws Exception {
        // GIVEN the table the local runtime creates from the code
        CreateTableRequest code = createTableRequest("dev.vidmeta.aws.RecordTable");

        // THEN Terraform declares the same keys, attributes and indexes
        assertTableMatches(terraform.resource("aws_dynamodb_table", "record"), code);
    }

    @Test
    void taskTokenTable_shouldMatchTheCodesCreateTableRequestAndTtl() throws Exception {
        CreateTableRequest code = createTableRequest("dev.vidmeta.aws.TaskTokenTable");
        Map<String, Object> table = terraform.resource("aws_dynamodb_table", "task_token");
        assertTableMatches(table, code);

        UpdateTimeToLiveRequest ttl = (UpdateTimeToLiveRequest) Class.forName("dev.vidmeta.aws.TaskTokenTable")
                .getMethod("timeToLiveRequest", String.class).invoke(null, "t");
        assertThat(map(table.get("ttl"), "ttl"))
                .containsEntry("attribute_name", ttl.timeToLiveSpecification().attributeName())
                .containsEntry("enabled", true);
    }

    @Test
    void tables_shouldBeOnDemandWithPointInTimeRecovery() {
        for (Object table : terraform.blocksOfType("resource", "aws_dynamodb_table").values()) {
            Map<String, Object> t = map(table, "aws_dynamodb_table");
            assertThat(t).containsEntry("billing_mode", "PAY_PER_REQUEST");
            assertThat(map(t.get("point_in_time_recovery"), "point_in_time_recovery")).containsEntry("enabled", true);
        }
    }

    // --- EventBridge ----------------------------------------------------------------------------------------

    @Test
    void eventRule_shouldReadThePatternFileTheLocalRuntimeUses() throws IOException {
        // GIVEN the file Terraform renders into the rule's event_pattern
        Object pattern = terraform.resource("aws_cloudwatch_event_rule", "object_created").get("event_pattern");
        List<Path> files = new ArrayList<>();
        TerraformModule.find(pattern, TerraformModule.TemplateFile.class).forEach(t -> files.add(t.path()));
        TerraformModule.find(pattern, TerraformModule.FileRef.class).forEach(f -> files.add(f.path()));
        assertThat(files).as("event_pattern = templatefile(...) or file(...)").hasSize(1);
        Path file = files.get(0);

        // THEN it is an S3 Object Created and Object Deleted pattern (deletions mark the record DELETED) ...
        String text = Files.readString(file);
        JsonNode json = new ObjectMapper().readTree(Placeholders.render(text, Map.of("source_bucket_name", "b")));
        assertThat(json.path("source").toString()).contains("aws.s3");
        assertThat(json.path("detail-type").toString()).contains("Object Created").contains("Object Deleted");

        // ... and the local runtime's EventBridge loads that same file: the resource its code names has its bytes
        String name = file.getFileName().toString();
        List<String> resources = LibraryStrings.in("dev/vidmeta/local/").stream()
                .filter(s -> s.endsWith("/" + name)).toList();
        assertThat(resources).as("string constants of the local runtime naming %s", name).isNotEmpty();
        for (String resource : resources) {
            try (var in = getClass().getResourceAsStream(resource)) {
                assertThat(in).as("classpath resource " + resource).isNotNull();
                assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .as("%s (local runtime) vs %s (Terraform)", resource, REPO.relativize(file)).isEqualTo(text);
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------------------

    static Map<String, Object> functions() {
        return map(terraform.locals().get("functions"), "local.functions");
    }

    /** A function's environment: its own object, or the local it names ({@code environment = local.x}). */
    static Map<String, Object> environmentOf(String fn) {
        Object environment = map(functions().get(fn), fn).get("environment");
        String what = "local.functions." + fn + ".environment";
        if (environment instanceof String reference) {
            Matcher local = Pattern.compile("local\\.(\\w+)").matcher(reference);
            if (local.matches()) {
                return map(terraform.locals().get(local.group(1)), what + " (local." + local.group(1) + ")");
            }
        }
        return map(environment, what);
    }

    /** The policy document's statements as hcl2json reads them, dynamic ones included (see {@link Hcl2Json}). */
    static List<Map<String, Object>> statements(String policyDocument) {
        return Hcl2Json.statements(policyDocument);
    }

    /** UPPER_SNAKE string constants in the reached TaskConfig code: the variable names it reads. */
    static Set<String> readByTaskConfig(CallGraph graph) {
        Set<String> names = new TreeSet<>();
        for (CallGraph.Reached r : graph.reached()) {
            if (r.owner().equals(TASK_CONFIG) || r.owner().startsWith(TASK_CONFIG + "$")) {
                r.method().strings().stream().filter(TerraformMatchesCodeTest::isVariableName).forEach(names::add);
            }
        }
        return names;
    }

    static boolean isVariableName(String s) {
        if (s.isEmpty() || !Character.isUpperCase(s.charAt(0))) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (!(Character.isUpperCase(c) || Character.isDigit(c) || c == '_')) {
                return false;
            }
        }
        // AWS_* are set by Lambda itself (AWS_REGION, ...) or are SDK endpoint overrides used locally.
        return !s.startsWith("AWS_");
    }

    static CreateTableRequest createTableRequest(String className) throws Exception {
        return (CreateTableRequest) Class.forName(className).getMethod("createTableRequest", String.class)
                .invoke(null, "t");
    }

    static void assertTableMatches(Map<String, Object> table, CreateTableRequest code) {
        assertThat(table.get("hash_key")).as("hash_key").isEqualTo(key(code.keySchema(), KeyType.HASH));
        assertThat(table.get("range_key")).as("range_key").isEqualTo(key(code.keySchema(), KeyType.RANGE));

        Map<String, String> attributes = new TreeMap<>();
        for (Map<String, Object> a : TerraformModule.<Map<String, Object>>list(table.get("attribute"))) {
            attributes.put(String.valueOf(a.get("name")), String.valueOf(a.get("type")));
        }
        Map<String, String> codeAttributes = new TreeMap<>();
        for (AttributeDefinition a : code.attributeDefinitions()) {
            codeAttributes.put(a.attributeName(), a.attributeTypeAsString());
        }
        assertThat(attributes).as("attributes").isEqualTo(codeAttributes);

        Map<String, Map<String, Object>> indexes = new TreeMap<>();
        for (Map<String, Object> i : TerraformModule.<Map<String, Object>>list(table.get("global_secondary_index"))) {
            Map<String, Object> normalized = new LinkedHashMap<>();
            normalized.put("hash_key", i.get("hash_key"));
            normalized.put("range_key", i.get("range_key"));
            normalized.put("projection_type", i.get("projection_type"));
            normalized.put("non_key_attributes", new TreeSet<>(TerraformModule.<String>list(i.get("non_key_attributes"))));
            indexes.put(String.valueOf(i.get("name")), normalized);
        }
        Map<String, Map<String, Object>> codeIndexes = new TreeMap<>();
        for (GlobalSecondaryIndex i : code.globalSecondaryIndexes()) {
            Map<String, Object> normalized = new LinkedHashMap<>();
            normalized.put("hash_key", key(i.keySchema(), KeyType.HASH));
            normalized.put("range_key", key(i.keySchema(), KeyType.RANGE));
            normalized.put("projection_type", i.projection().projectionTypeAsString());
            normalized.put("non_key_attributes", new TreeSet<>(i.projection().nonKeyAttributes()));
            codeIndexes.put(i.indexName(), normalized);
        }
        assertThat(indexes).as("global secondary indexes").isEqualTo(codeIndexes);
    }

    static String key(List<KeySchemaElement> schema, KeyType type) {
        return schema.stream().filter(k -> k.keyType() == type).map(KeySchemaElement::attributeName)
                .findFirst().orElse(null);
    }

    static List<Method> publicMethodsNamed(Class<?> type, String name) {
        List<Method> found = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                found.add(m);
            }
        }
        return found;
    }

    static Path locateRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("terraform")) && Files.isDirectory(dir.resolve("statemachine"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from inside the repository: no terraform/ and statemachine/ above "
                + Path.of("").toAbsolutePath());
    }
}
