package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parse_shouldReadOperatorDurations() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("7D")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("1d12h")).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void parse_shouldRejectWithTheInput_whenNotADuration() {
        for (String bad : new String[] {"24", "h", "-1h", "1 h", "1w", "1h30", ""}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "' is not a duration");
        }
    }

    @Test
    void format_shouldPickTheUnitForTheSize() {
        assertThat(Durations.format(Duration.ofMillis(850))).isEqualTo("850ms");
        assertThat(Durations.format(Duration.ofMillis(12_340))).isEqualTo("12.3s");
        assertThat(Durations.format(Duration.ofSeconds(245))).isEqualTo("4m05s");
        assertThat(Durations.format(Duration.ofMinutes(123))).isEqualTo("2h03m");
    }
}
