package dev.vidmeta.local.sfn;

import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The subset of Terraform's {@code templatefile()} that the state machine definition uses: {@code ${name}}
 * interpolation of supplied variables, with Terraform's escapes {@code $${} and {@code %%{}.
 *
 * <p>Like Terraform, an unsupplied variable is an error, not an empty string, so a definition that renders
 * locally also renders in {@code terraform plan}. Template directives ({@code %{ if }}, {@code %{ for }}) and
 * interpolated expressions other than a plain variable name are rejected rather than half-supported: JSONata
 * text such as {@code {%{'a': 1}%}} contains {@code %{}, which Terraform would read as a directive, so
 * failing here catches the same mistake before deployment.
 */
public final class Templates {

    private Templates() {
    }

    /**
     * Renders {@code text}, replacing each {@code ${name}} with {@code variables.get(name)} (its
     * {@code toString()}, as Terraform renders numbers and booleans).
     *
     * @throws IllegalArgumentException naming the line and the problem: an unsupplied variable, an expression
     *     that is not a plain name, a directive, or an unterminated interpolation
     */
    public static String render(String text, Map<String, ?> variables) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(variables, "variables");
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if ((c == '$' || c == '%') && text.startsWith(c + "" + c + "{", i)) {
                out.append(c).append('{');
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw problem(text, i, "unterminated interpolation \"${\"");
                }
                String name = text.substring(i + 2, end).strip();
                if (!name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
                    throw problem(text, i, "only plain variable names can be interpolated, not \"${" + name + "}\"");
                }
                if (!variables.containsKey(name) || variables.get(name) == null) {
                    throw problem(text, i, "vars map does not contain key \"" + name + "\" (supplied: "
                            + new TreeSet<>(variables.keySet()) + ")");
                }
                out.append(variables.get(name));
                i = end + 1;
            } else if (c == '%' && text.startsWith("%{", i)) {
                throw problem(text, i, "template directives (\"%{\") are not supported; write \"%%{\" for a literal");
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static IllegalArgumentException problem(String text, int at, String message) {
        int line = 1;
        for (int k = 0; k < at; k++) {
            if (text.charAt(k) == '\n') {
                line++;
            }
        }
        return new IllegalArgumentException("template line " + line + ": " + message);
    }
}
