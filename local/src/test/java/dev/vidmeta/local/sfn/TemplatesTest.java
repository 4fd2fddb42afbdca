package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** templatefile()-style rendering (https://developer.hashicorp.com/terraform/language/functions/templatefile). */
class TemplatesTest {

    @Test
    void render_shouldSubstitutePlaceholders_andHonourEscapes() {
        // GIVEN placeholders, a $${ escape and a %%{ escape
        String text = "{\"FunctionName\": \"${probe_function}\", \"Lit\": \"$${kept}\", \"Pct\": \"%%{x}\", \"N\": ${n}}";

        // WHEN rendered
        String out = Templates.render(text, Map.of("probe_function", "vidmeta-probe", "n", 3));

        // THEN values are substituted and escapes produce the literal text
        assertThat(out).isEqualTo("{\"FunctionName\": \"vidmeta-probe\", \"Lit\": \"${kept}\", \"Pct\": \"%{x}\", \"N\": 3}");
    }

    @Test
    void render_shouldFail_whenPlaceholderNotSupplied() {
        // GIVEN a template needing a variable that is not supplied
        String text = "line one\n\"${table_name}\"";

        // WHEN / THEN it fails like Terraform, naming the line and the variable
        assertThatThrownBy(() -> Templates.render(text, Map.of("other", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2").hasMessageContaining("\"table_name\"");
    }

    @Test
    void render_shouldRejectDirectivesAndExpressions_thatTerraformWouldInterpret() {
        // GIVEN a JSONata object literal right after {% (Terraform reads %{ as a directive) and an expression
        // WHEN / THEN both are refused rather than passed through
        assertThatThrownBy(() -> Templates.render("\"{%{'a': 1}%}\"", Map.of()))
                .hasMessageContaining("directives");
        assertThatThrownBy(() -> Templates.render("${upper(x)}", Map.of("x", "y")))
                .hasMessageContaining("plain variable names");
    }
}
