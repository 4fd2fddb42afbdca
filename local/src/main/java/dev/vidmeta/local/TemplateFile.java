package dev.vidmeta.local;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Terraform's {@code templatefile()} for string variables: {@code ${name}} is replaced by the variable's value
 * as-is, {@code $${} stays a literal {@code ${}, and an undefined variable is an error naming it -- so the
 * files Terraform renders render identically here
 * (https://developer.hashicorp.com/terraform/language/functions/templatefile).
 */
public final class TemplateFile {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\$\\{|\\$\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)\\s*}");

    private TemplateFile() {
    }

    public static String render(String template, Map<String, String> variables) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "${";
            } else {
                replacement = variables.get(m.group(1));
                if (replacement == null) {
                    throw new IllegalArgumentException("template variable \"" + m.group(1) + "\" is not defined");
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
