package dev.vidmeta.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares Terraform, as @cdktf/hcl2json converts it, with the AWS provider's schema, as @cdktf/provider-aws ships
 * it (see tfcheck.mjs): every resource, data source and provider block, every argument and nested block (also inside
 * {@code dynamic} blocks), at every depth. Reports an unknown type, an unknown argument or block, a missing required
 * argument or block, and a nested block written as an expression.
 */
final class ProviderSchema {

    /** Terraform's meta-arguments: https://developer.hashicorp.com/terraform/language/meta-arguments */
    private static final Set<String> RESOURCE_META = Set.of("count", "for_each", "depends_on", "provider",
            "lifecycle", "provisioner", "connection");
    private static final Set<String> DATA_META = Set.of("count", "for_each", "depends_on", "provider", "lifecycle");
    private static final Set<String> PROVIDER_META = Set.of("alias");

    /** Provider-block types this check has no schema for: the AWS provider's only. */
    static boolean isAws(String kindAndType) {
        String type = kindAndType.substring(kindAndType.indexOf(':') + 1);
        return type.equals("aws") || type.startsWith("aws_");
    }

    private ProviderSchema() {
    }

    /** "resource:aws_s3_bucket", "data:aws_region", "provider:aws", ... of every block in the converted files. */
    static Set<String> typesIn(JsonNode files) {
        Set<String> types = new TreeSet<>();
        for (JsonNode file : files) {
            for (String kind : List.of("resource", "data", "provider")) {
                file.path(kind).fieldNames().forEachRemaining(type -> types.add(kind + ":" + type));
            }
        }
        return types;
    }

    /** The problems found; empty when every block matches. {@code schemas} is tfcheck.mjs's "types" object. */
    static List<String> problems(JsonNode files, JsonNode schemas) {
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> f = files.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> file = f.next();
            for (String kind : List.of("resource", "data", "provider")) {
                for (Iterator<Map.Entry<String, JsonNode>> t = file.getValue().path(kind).fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> type = t.next();
                    String key = kind + ":" + type.getKey();
                    if (!isAws(key)) {
                        continue;
                    }
                    JsonNode schema = schemas.path(key);
                    if (kind.equals("provider")) {
                        for (JsonNode body : type.getValue()) {
                            check(body, schema, PROVIDER_META, file.getKey() + ": provider \"" + type.getKey() + "\"",
                                    problems);
                        }
                        continue;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> n = type.getValue().fields(); n.hasNext(); ) {
                        Map.Entry<String, JsonNode> named = n.next();
                        String where = file.getKey() + ": " + kind + " \"" + type.getKey() + "\" \"" + named.getKey()
                                + "\"";
                        if (schema.isMissingNode() || schema.isNull()) {
                            problems.add(where + ": the AWS provider has no " + kind + " type " + type.getKey());
                            continue;
                        }
                        for (JsonNode body : named.getValue()) {
                            check(body, schema, kind.equals("resource") ? RESOURCE_META : DATA_META, where, problems);
                        }
                    }
                }
            }
        }
        return problems;
    }

    private static void check(JsonNode body, JsonNode schema, Set<String> meta, String where, List<String> problems) {
        JsonNode arguments = schema.path("arguments");
        JsonNode blocks = schema.path("blocks");
        Set<String> present = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (meta.contains(name)) {
                continue;
            }
            if (name.equals("dynamic")) {
                for (Iterator<Map.Entry<String, JsonNode>> d = e.getValue().fields(); d.hasNext(); ) {
                    Map.Entry<String, JsonNode> dynamic = d.next();
                    String block = dynamic.getKey();
                    String at = where + " dynamic \"" + block + "\"";
                    if (!blocks.has(block)) {
                        problems.add(at + ": no nested block \"" + block + "\" here in the AWS provider's schema");
                        continue;
                    }
                    present.add(block);
                    for (JsonNode generator : dynamic.getValue()) {
                        for (JsonNode content : generator.path("content")) {
                            check(content, blocks.get(block), Set.of(), at + " content", problems);
                        }
                    }
                }
            } else if (blocks.has(name)) {
                present.add(name);
                if (!e.getValue().isArray() || !allObjects(e.getValue())) {
                    problems.add(where + ": \"" + name + "\" is a nested block in the AWS provider's schema, "
                            + "not an argument");
                    continue;
                }
                for (JsonNode nested : e.getValue()) {
                    check(nested, blocks.get(name), Set.of(), where + " " + name, problems);
                }
            } else if (arguments.has(name)) {
                present.add(name);
            } else {
                problems.add(where + ": unknown argument \"" + name + "\" (not in the AWS provider's schema)");
            }
        }
        for (JsonNode group : List.of(arguments, blocks)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = group.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().path("required").asBoolean() && !present.contains(e.getKey())) {
                    problems.add(where + ": missing required " + (group == blocks ? "block" : "argument") + " \""
                            + e.getKey() + "\"");
                }
            }
        }
    }

    private static boolean allObjects(JsonNode array) {
        for (JsonNode n : array) {
            if (!n.isObject()) {
                return false;
            }
        }
        return true;
    }
}
