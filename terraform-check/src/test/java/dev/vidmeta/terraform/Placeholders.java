package dev.vidmeta.terraform;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Terraform template interpolations ({@code ${name}}) in a file read by {@code templatefile()}, honouring the
 * {@code $${} escape. Only plain names are expected: the templates here interpolate variables, nothing else.
 */
final class Placeholders {

    private Placeholders() {
    }

    /** The names interpolated in {@code template}. */
    static Set<String> in(String template) {
        Set<String> names = new TreeSet<>();
        scan(template, Map.of(), names, null);
        return names;
    }

    /** {@code template} with each {@code ${name}} replaced by {@code vars.get(name)}; a missing one is an error. */
    static String render(String template, Map<String, ?> vars) {
        StringBuilder out = new StringBuilder();
        scan(template, vars, null, out);
        return out.toString();
    }

    /** The name inside {@code "${name}"}, or an error if the value is not exactly one interpolation. */
    static String name(String interpolation) {
        if (!interpolation.startsWith("${") || !interpolation.endsWith("}")) {
            throw new IllegalArgumentException("not a ${placeholder}: " + interpolation);
        }
        return interpolation.substring(2, interpolation.length() - 1).strip();
    }

    private static void scan(String t, Map<String, ?> vars, Set<String> names, StringBuilder out) {
        int i = 0;
        while (i < t.length()) {
            if (t.startsWith("$${", i)) {
                append(out, "${");
                i += 3;
            } else if (t.startsWith("${", i)) {
                int end = t.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated ${ at offset " + i);
                }
                String name = t.substring(i + 2, end).strip();
                if (names != null) {
                    names.add(name);
                }
                if (out != null) {
                    if (!vars.containsKey(name)) {
                        throw new IllegalArgumentException("no value for ${" + name + "}");
                    }
                    out.append(vars.get(name));
                }
                i = end + 1;
            } else {
                append(out, String.valueOf(t.charAt(i)));
                i++;
            }
        }
    }

    private static void append(StringBuilder out, String s) {
        if (out != null) {
            out.append(s);
        }
    }
}
