package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecutionReplayerTest {

    @Test
    void derivedName_shouldAppendReplay_whenItFits() {
        assertThat(ExecutionReplayer.derivedName("3f1c-upload")).isEqualTo("3f1c-upload-replay");
    }

    @Test
    void derivedName_shouldStayWithin80Characters_andTellLongNamesWithACommonPrefixApart() {
        String a = "x".repeat(79) + "a";
        String b = "x".repeat(79) + "b";
        assertThat(ExecutionReplayer.derivedName(a)).hasSize(80).endsWith("-replay");
        assertThat(ExecutionReplayer.derivedName(a)).isNotEqualTo(ExecutionReplayer.derivedName(b));
        assertThat(ExecutionReplayer.derivedName(a)).isEqualTo(ExecutionReplayer.derivedName(a));
    }
}
