package dev.vidmeta.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateFileTest {

    @Test
    void render_shouldReplacePlaceholders_andKeepEscapedOnes() {
        assertThat(TemplateFile.render("{\"a\": \"${x}\", \"b\": \"$${x}\", \"c\": \"${ y }\"}",
                Map.of("x", "1", "y", "$2")))
                .isEqualTo("{\"a\": \"1\", \"b\": \"${x}\", \"c\": \"$2\"}");
    }

    @Test
    void render_shouldFail_onAnUndefinedVariable() {
        assertThatThrownBy(() -> TemplateFile.render("${missing}", Map.of()))
                .hasMessageContaining("\"missing\"");
    }
}
