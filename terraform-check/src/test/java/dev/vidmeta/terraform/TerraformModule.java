package dev.vidmeta.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The terraform/ directory as @cdktf/hcl2json converts it (HashiCorp's HCL parser), merged into one tree of blocks
 * ({@code resource -> type -> name -> body}, {@code data}, {@code locals}, {@code variable}, {@code output}), with
 * plain Java values.
 *
 * <p>An expression reads as its source text: {@code "${aws_dynamodb_table.record.arn}"} becomes
 * {@code "aws_dynamodb_table.record.arn"}, and a template keeps its {@code ${...}} parts. A block (which hcl2json
 * gives as a list of bodies) that occurs once reads as its body; {@link #list} reads either as a list. Calls of
 * {@code templatefile()} and {@code file()} become {@link TemplateFile} / {@link FileRef} values, so the checks can
 * see which files Terraform reads and with which variables.
 */
final class TerraformModule {

    /** A {@code templatefile(path, vars)} call: the path and, per variable, its expression's text. */
    record TemplateFile(Path path, Map<String, Object> vars) {
    }

    /** A {@code file(path)} call. */
    record FileRef(Path path) {
    }

    private final Path dir;
    private final Map<String, Object> root = new LinkedHashMap<>();

    private TerraformModule(Path dir) {
        this.dir = dir;
    }

    static TerraformModule load(Path dir) {
        return fromJson(dir, NpmTools.run("hcl2json", dir.toString()));
    }

    /** The module from tfcheck.mjs's hcl2json output for {@code dir}: {"file.tf": {...}, ...}. */
    static TerraformModule fromJson(Path dir, JsonNode files) {
        TerraformModule module = new TerraformModule(dir.toAbsolutePath().normalize());
        Map<String, Object> locals = new LinkedHashMap<>();
        for (JsonNode file : files) {
            for (JsonNode block : file.path("locals")) {
                block.fields().forEachRemaining(e -> locals.put(e.getKey(), plainJson(e.getValue())));
            }
        }
        module.root.put("locals", locals);
        for (Iterator<Map.Entry<String, JsonNode>> f = files.fields(); f.hasNext(); ) {
            Map.Entry<String, JsonNode> file = f.next();
            for (String kind : List.of("resource", "data")) {
                for (Iterator<Map.Entry<String, JsonNode>> t = file.getValue().path(kind).fields(); t.hasNext(); ) {
                    Map.Entry<String, JsonNode> type = t.next();
                    @SuppressWarnings("unchecked")
                    Map<String, Object> ofType = (Map<String, Object>) ((Map<String, Object>) module.root
                            .computeIfAbsent(kind, k -> new LinkedHashMap<String, Object>()))
                            .computeIfAbsent(type.getKey(), k -> new LinkedHashMap<String, Object>());
                    type.getValue().fields().forEachRemaining(named -> {
                        if (ofType.put(named.getKey(), plainJson(named.getValue().get(0))) != null) {
                            throw new IllegalStateException("duplicate " + kind + "." + type.getKey() + "."
                                    + named.getKey() + " in terraform/");
                        }
                    });
                }
            }
            for (String kind : List.of("variable", "output")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> all = (Map<String, Object>) module.root.computeIfAbsent(kind,
                        k -> new LinkedHashMap<String, Object>());
                file.getValue().path(kind).fields().forEachRemaining(e ->
                        all.put(e.getKey(), plainJson(e.getValue().get(0))));
            }
        }
        module.resolveCalls(module.root);
        return module;
    }

    Path dir() {
        return dir;
    }

    /** {@code resource "type" "name"} body, or an error naming what is missing. */
    Map<String, Object> resource(String type, String name) {
        return block("resource", type, name);
    }

    Map<String, Object> data(String type, String name) {
        return block("data", type, name);
    }

    Map<String, Object> blocksOfType(String kind, String type) {
        return map(map(root.get(kind), kind).get(type), kind + " " + type);
    }

    Map<String, Object> locals() {
        return map(root.get("locals"), "locals");
    }

    Map<String, Object> variables() {
        return map(root.get("variable"), "variable");
    }

    Map<String, Object> outputs() {
        return map(root.get("output"), "output");
    }

    private Map<String, Object> block(String kind, String type, String name) {
        Map<String, Object> ofType = blocksOfType(kind, type);
        return map(ofType.get(name), kind + " \"" + type + "\" \"" + name + "\"");
    }

    /** A block body or object; a block that occurs once (a one-element list of bodies) reads as its body. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        if (value instanceof List<?> l && l.size() == 1 && l.get(0) instanceof Map<?, ?>) {
            value = l.get(0);
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalStateException(what + " is not a block/object in terraform/ (got " + value + ")");
        }
        return (Map<String, Object>) m;
    }

    /** A repeated block or a list attribute, as a list (a single value as a one-element list). */
    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return (List<T>) l;
        }
        return List.of((T) value);
    }

    private static Object plainJson(JsonNode node) {
        return unwrap(new ObjectMapper().convertValue(node, Object.class));
    }

    /** {@code "${expr}"} (one interpolation, the whole string) -> {@code "expr"}, recursively. */
    static Object unwrap(Object value) {
        if (value instanceof String s && s.startsWith("${") && closing(s, 1) == s.length() - 1) {
            return s.substring(2, s.length() - 1).strip();
        }
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), unwrap(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(unwrap(v)));
            return copy;
        }
        return value;
    }

    /** Replaces every {@code templatefile(...)} / {@code file(...)} expression under {@code value} by its record. */
    @SuppressWarnings("unchecked")
    private void resolveCalls(Object value) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                Object call = call(e.getValue());
                if (call != null) {
                    e.setValue(call);
                } else {
                    resolveCalls(e.getValue());
                }
            }
        } else if (value instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            for (int i = 0; i < list.size(); i++) {
                Object call = call(list.get(i));
                if (call != null) {
                    list.set(i, call);
                } else {
                    resolveCalls(list.get(i));
                }
            }
        }
    }

    private Object call(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        List<String> args = arguments(s, "templatefile");
        if (args != null && args.size() == 2) {
            return new TemplateFile(path(args.get(0)), objectLiteral(args.get(1)));
        }
        args = arguments(s, "file");
        if (args != null && args.size() == 1) {
            return new FileRef(path(args.get(0)));
        }
        return null;
    }

    /**
     * Resolves a path expression against terraform/: {@code "${path.module}/x"} (quoted or not), or a local
     * holding one.
     */
    Path path(Object expression) {
        String text = String.valueOf(expression).strip();
        if (text.startsWith("local.") && locals().containsKey(text.substring("local.".length()))) {
            return path(locals().get(text.substring("local.".length())));
        }
        if (text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1);
        }
        String prefix = "${path.module}/";
        if (!text.startsWith(prefix)) {
            throw new IllegalStateException("file paths in terraform/ must be relative to ${path.module}: " + text);
        }
        return dir.resolve(text.substring(prefix.length())).normalize();
    }

    /** The entries of an HCL object literal {@code { k = expr ... }}: key -> the expression's text. */
    static Map<String, Object> objectLiteral(String text) {
        String body = text.strip();
        if (!body.startsWith("{") || !body.endsWith("}")) {
            throw new IllegalStateException("not an object literal: " + text);
        }
        Map<String, Object> entries = new LinkedHashMap<>();
        for (String item : split(body.substring(1, body.length() - 1), true)) {
            String entry = item.strip();
            if (entry.isEmpty() || entry.startsWith("#") || entry.startsWith("//")) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalStateException("not a 'key = value' entry: " + entry);
            }
            entries.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return entries;
    }

    /** The arguments of {@code name(a, b, ...)} when {@code e} is exactly that call, else null. */
    static List<String> arguments(String e, String name) {
        String s = e.strip();
        if (!s.startsWith(name + "(") || !s.endsWith(")")
                || closingParen(s, name.length()) != s.length() - 1) {
            return null;
        }
        List<String> args = new ArrayList<>();
        for (String a : split(s.substring(name.length() + 1, s.length() - 1), false)) {
            if (!a.isBlank()) {
                args.add(a.strip());
            }
        }
        return args;
    }

    /** Splits at top-level commas (and newlines, for object literals), outside brackets and quoted strings. */
    private static List<String> split(String s, boolean newlines) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quoted && ch == '\\') {
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && "([{".indexOf(ch) >= 0) {
                depth++;
            } else if (!quoted && ")]}".indexOf(ch) >= 0) {
                depth--;
            } else if (!quoted && depth == 0 && (ch == ',' || (newlines && ch == '\n'))) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** Index of the '}' closing the '{' at {@code open}, outside quoted strings (whose ${...} nest). */
    static int closing(String s, int open) {
        return matching(s, open, '{', '}');
    }

    private static int closingParen(String s, int open) {
        return matching(s, open, '(', ')');
    }

    private static int matching(String s, int open, char opening, char closing) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quoted && ch == '\\') {
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == opening) {
                depth++;
            } else if (!quoted && ch == closing && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    /** All values of {@code body} (recursively) of type {@code type}, e.g. every templatefile() call. */
    static <T> List<T> find(Object body, Class<T> type) {
        List<T> found = new ArrayList<>();
        collect(body, type, found);
        return found;
    }

    private static <T> void collect(Object value, Class<T> type, List<T> found) {
        if (type.isInstance(value)) {
            found.add(type.cast(value));
        } else if (value instanceof Map<?, ?> m) {
            m.values().forEach(v -> collect(v, type, found));
        } else if (value instanceof List<?> l) {
            l.forEach(v -> collect(v, type, found));
        }
    }
}
