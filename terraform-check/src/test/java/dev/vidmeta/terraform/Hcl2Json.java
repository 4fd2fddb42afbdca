package dev.vidmeta.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * terraform/ as @cdktf/hcl2json converts it (HashiCorp's own HCL parser, compiled to WebAssembly): blocks are
 * arrays of objects, and every expression is its source text wrapped in {@code ${...}}; {@code for} expressions,
 * index keys and {@code dynamic} blocks are kept. The JSON view that {@link TerraformModule} is built from.
 */
final class Hcl2Json {

    private static JsonNode files;

    private Hcl2Json() {
    }

    static synchronized JsonNode files() {
        if (files == null) {
            files = NpmTools.run("hcl2json", TerraformMatchesCodeTest.REPO.resolve("terraform").toString());
        }
        return files;
    }

    /** The one body of {@code kind "type" "name"} (kind: resource or data), whichever file holds it. */
    static JsonNode block(String kind, String type, String name) {
        for (JsonNode file : files()) {
            JsonNode bodies = file.path(kind).path(type).path(name);
            if (bodies.isArray() && bodies.size() == 1) {
                return bodies.get(0);
            }
        }
        throw new IllegalStateException("no " + kind + " \"" + type + "\" \"" + name + "\" in terraform/");
    }

    /** Every local value, from every {@code locals} block of every file. */
    static Map<String, JsonNode> locals() {
        Map<String, JsonNode> locals = new LinkedHashMap<>();
        for (JsonNode file : files()) {
            for (JsonNode block : file.path("locals")) {
                block.fields().forEachRemaining(e -> locals.put(e.getKey(), e.getValue()));
            }
        }
        return locals;
    }

    /**
     * The statements of {@code data "aws_iam_policy_document" "<name>"}, static ones and the content of
     * {@code dynamic "statement"} blocks alike, as plain maps whose whole-interpolation strings are unwrapped
     * ({@code "${local.x}"} reads {@code "local.x"}).
     */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> statements(String name) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode doc : policyDocuments(name)) {
            doc.path("statement").forEach(found::add);
            for (JsonNode dynamic : doc.path("dynamic").path("statement")) {
                dynamic.path("content").forEach(found::add);
            }
        }
        List<Map<String, Object>> statements = new ArrayList<>();
        for (JsonNode s : found) {
            statements.add((Map<String, Object>) TerraformModule.unwrap(new ObjectMapper().convertValue(s, Object.class)));
        }
        return statements;
    }

    private static final Pattern SOURCE_DOCUMENT = Pattern.compile("data\\.aws_iam_policy_document\\.(\\w+)\\.json");

    /**
     * The policy document {@code name} and, transitively, the documents its {@code source_policy_documents} names,
     * whose statements the provider merges into it (aws_iam_policy_document, source_policy_documents).
     */
    static List<JsonNode> policyDocuments(String name) {
        JsonNode doc = block("data", "aws_iam_policy_document", name);
        List<JsonNode> documents = new ArrayList<>(List.of(doc));
        Matcher source = SOURCE_DOCUMENT.matcher(doc.path("source_policy_documents").toString());
        while (source.find()) {
            documents.addAll(policyDocuments(source.group(1)));
        }
        return documents;
    }

    private static final Pattern FOR_OPERATIONS = Pattern.compile(
            "\\[for (\\w+) in local\\.configured_operations : \"([a-z0-9]+:[A-Za-z]*)\\$\\{\\1\\}\"\\]");

    /**
     * A statement's actions with {@code local.configured_operations} set to {@code operations}: a literal list, or
     * (the Rekognition statements) {@code [for op in local.configured_operations : "rekognition:Get${op}"]}, or a
     * {@code concat()} of such lists. Anything else is an error: the check must not guess.
     */
    static List<String> actions(Object actions, Collection<String> operations) {
        if (actions instanceof List<?> l) {
            List<String> literal = new ArrayList<>();
            l.forEach(a -> literal.add(String.valueOf(a)));
            return literal;
        }
        String expression = String.valueOf(actions);
        if (expression.startsWith("${") && expression.endsWith("}")) {
            expression = expression.substring(2, expression.length() - 1);
        }
        List<String> expanded = new ArrayList<>();
        Matcher m = FOR_OPERATIONS.matcher(expression);
        while (m.find()) {
            for (String op : operations) {
                expanded.add(m.group(2) + op);
            }
        }
        String rest = FOR_OPERATIONS.matcher(expression).replaceAll("").replaceAll("\\s", "");
        if (expanded.isEmpty() && !FOR_OPERATIONS.matcher(expression).find()
                || !(rest.isEmpty() || rest.matches("concat\\(,*\\)"))) {
            throw new IllegalStateException("cannot evaluate the actions expression " + expression);
        }
        return expanded;
    }

    /** {@code local.rekognition_operations}: analysis code -> Rekognition operation suffix. */
    static Map<String, String> rekognitionOperations() {
        Map<String, String> ops = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = locals().get("rekognition_operations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ops.put(e.getKey(), e.getValue().asText());
        }
        return ops;
    }
}
