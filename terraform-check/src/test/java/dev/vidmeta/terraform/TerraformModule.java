package dev.vidmeta.terraform;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The terraform/ directory as hcl4j parses it: every {@code *.tf} file, merged into one tree of blocks
 * ({@code resource -> type -> name -> body}, {@code data}, {@code locals}, {@code variable}, {@code output}).
 *
 * <p>hcl4j evaluates what it can and renders a reference it cannot resolve as its text, e.g.
 * {@code "aws_dynamodb_table.record.arn"}; the checks rely on that text to see which resource an argument
 * names. Calls of {@code templatefile()} and {@code file()} are captured as
 * {@link TemplateFile} / {@link FileRef} values so the checks can see which files Terraform reads.
 *
 * <p>Known hcl4j limits the Terraform is written around: index expressions lose their key
 * ({@code aws_lambda_alias.live["probe"].arn} reads as {@code aws_lambda_alias.live.value.arn}, hence
 * {@code local.alias_arns.probe}); of two {@code locals} blocks in one file only the last survives (one per
 * file here); a {@code data "http"} block would really be fetched, so that lookup is replaced by a no-op.
 */
final class TerraformModule {

    /** A {@code templatefile(path, vars)} call: the path and the variable names it supplies. */
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
        TerraformModule module = new TerraformModule(dir.toAbsolutePath().normalize());
        try (Stream<Path> files = Files.list(module.dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".tf")).sorted().toList()) {
                module.merge(module.parse(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    Map<String, Object> terraformBlock() {
        return map(root.get("terraform"), "terraform");
    }

    private Map<String, Object> block(String kind, String type, String name) {
        Map<String, Object> ofType = blocksOfType(kind, type);
        return map(ofType.get(name), kind + " \"" + type + "\" \"" + name + "\"");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new IllegalStateException(what + " is not a block/object in terraform/ (got " + value + ")");
        }
        return (Map<String, Object>) m;
    }

    /** A repeated block (hcl4j gives one block as a map, several as a list) or a list attribute, as a list. */
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

    private Map<String, Object> parse(Path file) {
        HCLParser parser = new HCLParser();
        parser.registerFunction("templatefile", args -> new TemplateFile(path(args.get(0)), map(plain(vars(args)), "vars")));
        parser.registerFunction("file", args -> new FileRef(path(args.get(0))));
        // hcl4j would really fetch the URL of a data "http" block: a static check must not touch the network.
        parser.registerDataLookup("http", args -> Map.of());
        try {
            return map(plain(parser.parse(file.toFile(), "UTF-8")), file.toString());
        } catch (Exception e) {
            throw new IllegalStateException("hcl4j cannot parse " + file + ": " + e, e);
        }
    }

    /**
     * hcl4j's tree with its symbol objects (an unresolved reference, a "for" expression) replaced by their text,
     * so every leaf is a String, Number, Boolean, null or a captured function call.
     */
    private static Object plain(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof TemplateFile || value instanceof FileRef) {
            return value;
        }
        return value.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> vars(List<Object> args) {
        return args.size() > 1 && args.get(1) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** Resolves {@code "${path.module}/x"}, which hcl4j renders as {@code "path.module/x"}, against terraform/. */
    Path path(Object expression) {
        String text = String.valueOf(expression);
        String prefix = "path.module/";
        if (!text.startsWith(prefix)) {
            throw new IllegalStateException("file paths in terraform/ must be relative to ${path.module}: " + text);
        }
        return dir.resolve(text.substring(prefix.length())).normalize();
    }

    @SuppressWarnings("unchecked")
    private void merge(Map<String, Object> file) {
        for (String kind : List.of("terraform", "provider", "variable", "locals", "output", "resource", "data")) {
            Object blocks = file.get(kind);
            if (blocks instanceof Map<?, ?> m) {
                deepMerge(root.computeIfAbsent(kind, k -> new LinkedHashMap<String, Object>()),
                        (Map<String, Object>) m, kind);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Object into, Map<String, Object> from, String where) {
        Map<String, Object> target = (Map<String, Object>) into;
        for (Map.Entry<String, Object> e : from.entrySet()) {
            Object existing = target.get(e.getKey());
            if (existing instanceof Map<?, ?> && e.getValue() instanceof Map<?, ?> m
                    && !where.contains(".")) {
                // resource -> type -> name: types are shared between files, names must not be.
                deepMerge(existing, (Map<String, Object>) m, where + "." + e.getKey());
            } else if (existing != null) {
                throw new IllegalStateException("duplicate " + where + "." + e.getKey() + " in terraform/");
            } else {
                target.put(e.getKey(), e.getValue());
            }
        }
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
