package dev.vidmeta.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * statemachine/video-metadata.asl.json as Terraform renders it, through asl-validator 4.0.0 (the Amazon States
 * Language schema), with every {@code "{% ... %}"} expression parsed by jsonata 2.0.6: "Step Functions implements
 * JSONata based on the 2.0.6 specification" (Transforming data with JSONata in Step Functions,
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). Whatever states the file holds.
 */
class RenderedAslTest {

    static final Path ASL = TerraformMatchesCodeTest.REPO.resolve("statemachine/video-metadata.asl.json");

    @Test
    void renderedDefinition_shouldPassAslValidatorAndEveryJsonataExpressionShouldParse(@TempDir Path dir)
            throws IOException {
        // GIVEN the definition with its ${placeholders} filled as templatefile() fills them with the defaults
        Path rendered = dir.resolve("definition.json");
        Files.writeString(rendered, Placeholders.render(Files.readString(ASL), sampleValues(Files.readString(ASL))));

        // WHEN the npm tools read it
        JsonNode verdict = NpmTools.run("asl", rendered.toString()).path(rendered.toString());

        // THEN the pinned versions ran, the schema accepts it, and every expression parses
        assertThat(verdict.path("jsonata").asText()).isEqualTo("2.0.6");
        assertThat(verdict.path("aslValidator").asText()).isEqualTo("4.0.0");
        assertThat(verdict.path("errors").toString()).as("asl-validator errors").isEqualTo("[]");
        assertThat(verdict.path("valid").asBoolean()).as("asl-validator verdict").isTrue();
        assertThat(verdict.path("expressions").size()).as("JSONata expressions found").isPositive();
        List<String> unparsed = new ArrayList<>();
        for (JsonNode e : verdict.path("expressions")) {
            if (!e.path("error").isNull()) {
                unparsed.add(e.path("path").asText() + ": " + e.path("error").asText());
            }
        }
        assertThat(unparsed).as("expressions jsonata 2.0.6 cannot parse").isEmpty();
    }

    @Test
    void check_shouldReportAnInvalidStateMachineAndAnExpressionThatDoesNotParse(@TempDir Path dir)
            throws IOException {
        // GIVEN a Pass state that names a missing next state, and an Output whose expression is cut short
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, """
                {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
                  "A": {"Type": "Pass", "Output": "{% $states.input.( %}", "Nextt": "B"}}}
                """);

        // WHEN it is checked
        JsonNode verdict = NpmTools.run("asl", bad.toString()).path(bad.toString());

        // THEN both defects are reported
        assertThat(verdict.path("valid").asBoolean()).isFalse();
        assertThat(verdict.path("expressions")).hasSize(1);
        assertThat(verdict.path("expressions").get(0).path("path").asText()).isEqualTo("$.States.A.Output");
        assertThat(verdict.path("expressions").get(0).path("error").isNull()).isFalse();
    }

    /** Values a user could try that mean something to JSON, to JSONata or to templatefile() itself. */
    static final List<String> HOSTILE = List.of("it's/", "say \"hi\"/", "back\\q/", "{% $x %}/", "$x/", "100%/",
            "a,b/", "`tick`/", "line\nbreak/", "ünï-🎬/", "(x)*!/");

    @Test
    void valuesTheValidationsAccept_shouldStillRenderAValidDefinition(@TempDir Path dir) throws IOException {
        // GIVEN each ASL placeholder fed by a string variable, and the regexes its validations apply
        String template = Files.readString(ASL);
        Map<String, Object> defaults = sampleValues(template);
        Map<String, List<Pattern>> validated = new TreeMap<>();
        Map<String, Object> vars = templateVars();
        for (String name : Placeholders.in(template)) {
            String variableName = variableOf(vars.get(name));
            JsonNode variable = variableName == null ? null : variable(variableName);
            if (variable == null || variable.path("type").asText().equals("${number}")) {
                continue; // not a variable (an ARN, a bucket name), or a number (range-validated)
            }
            List<Pattern> regexes = new ArrayList<>();
            for (JsonNode v : variable.path("validation")) {
                Matcher m = VALIDATION_REGEX.matcher(v.path("condition").asText());
                while (m.find()) {
                    regexes.add(Pattern.compile(hclUnescape(m.group(1))));
                }
            }
            assertThat(regexes).as("var.%s reaches the ASL's JSON and JSONata: give it a regex validation", variableName)
                    .isNotEmpty();
            validated.put(name, regexes);
        }
        assertThat(validated).as("string variables rendered into the ASL").isNotEmpty();

        // WHEN each value its validations accept is rendered (values refused at `terraform plan` are skipped)
        Map<String, String> tried = new TreeMap<>(); // file -> "placeholder = value"
        for (Map.Entry<String, List<Pattern>> placeholder : validated.entrySet()) {
            for (String value : HOSTILE) {
                if (placeholder.getValue().stream().allMatch(p -> p.matcher(value).matches())) {
                    Map<String, Object> values = new TreeMap<>(defaults);
                    values.put(placeholder.getKey(), value);
                    Path rendered = dir.resolve("definition-" + tried.size() + ".json");
                    Files.writeString(rendered, Placeholders.render(template, values));
                    tried.put(rendered.toString(), placeholder.getKey() + " = " + value);
                }
            }
        }
        JsonNode verdicts = NpmTools.run(Stream.concat(Stream.of("asl"), tried.keySet().stream())
                .toArray(String[]::new));

        // THEN each definition is still valid JSON and ASL, and its expressions still parse
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, String> t : tried.entrySet()) {
            JsonNode verdict = verdicts.path(t.getKey());
            List<String> unparsed = verdict.path("expressions").findValues("error").stream()
                    .filter(e -> !e.isNull()).map(JsonNode::asText).toList();
            if (!verdict.path("valid").asBoolean() || !unparsed.isEmpty()) {
                broken.add(t.getValue() + ": " + verdict.path("errors") + " " + unparsed);
            }
        }
        assertThat(broken).as("accepted values that break the state machine").isEmpty();
        assertThat(tried).as("accepted values tried").isNotEmpty();
    }

    private static final Pattern VALIDATION_REGEX = Pattern.compile("regex\\(\"((?:[^\"\\\\]|\\\\.)*)\",");

    static String hclUnescape(String s) {
        return s.replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\u0000", "\\");
    }

    static JsonNode variable(String name) {
        for (JsonNode file : Hcl2Json.files()) {
            JsonNode v = file.path("variable").path(name);
            if (v.isArray()) {
                return v.get(0);
            }
        }
        return null;
    }

    /** The templatefile() variables of the state machine's definition: placeholder -> its expression's text. */
    static Map<String, Object> templateVars() {
        TerraformModule terraform = TerraformModule.fromJson(TerraformMatchesCodeTest.REPO.resolve("terraform"),
                Hcl2Json.files());
        List<TerraformModule.TemplateFile> calls = TerraformModule.find(
                terraform.resource("aws_sfn_state_machine", "pipeline").get("definition"),
                TerraformModule.TemplateFile.class);
        assertThat(calls).as("definition = templatefile(...)").hasSize(1);
        return calls.get(0).vars();
    }

    private static final Pattern VAR = Pattern.compile("^var\\.(\\w+)$");
    private static final Pattern JOINED_VAR = Pattern.compile("^join\\(\"([^\"]*)\", var\\.(\\w+)\\)$");

    /** The variable a placeholder's expression passes ({@code var.x} or {@code join(",", var.x)}), else null. */
    static String variableOf(Object expression) {
        String e = String.valueOf(expression);
        Matcher m = VAR.matcher(e);
        if (m.matches()) {
            return m.group(1);
        }
        m = JOINED_VAR.matcher(e);
        return m.matches() ? m.group(2) : null;
    }

    /**
     * The value Terraform passes for each placeholder, evaluated from its expression in stepfunctions.tf: a variable
     * at its default ({@code join()}ed as written), a Lambda alias ARN for {@code local.alias_arns.<fn>}, the derived
     * results bucket name. An expression of another kind fails here with its text.
     */
    static Map<String, Object> sampleValues(String template) {
        Map<String, Object> vars = templateVars();
        Map<String, Object> values = new TreeMap<>();
        for (String name : Placeholders.in(template)) {
            String e = String.valueOf(vars.get(name));
            String variable = variableOf(e);
            JsonNode dflt = variable == null ? null : variable(variable).path("default");
            Matcher joined = JOINED_VAR.matcher(e);
            if (e.startsWith("local.alias_arns.")) {
                values.put(name, "arn:aws:lambda:us-east-1:111122223333:function:vidmeta-"
                        + e.substring("local.alias_arns.".length()).replace('_', '-') + ":live");
            } else if (e.equals("aws_s3_bucket.results.bucket")) {
                values.put(name, "vidmeta-results-111122223333-us-east-1");
            } else if (joined.matches() && dflt.isArray()) {
                List<String> items = new ArrayList<>();
                dflt.forEach(i -> items.add(i.asText()));
                values.put(name, String.join(joined.group(1), items));
            } else if (variable != null && dflt.isValueNode() && !dflt.isNull()) {
                values.put(name, dflt.asText());
            } else {
                throw new IllegalStateException("no sample value for ${" + name + "} = " + e + " (stepfunctions.tf): "
                        + "teach RenderedAslTest.sampleValues");
            }
        }
        return values;
    }
}
