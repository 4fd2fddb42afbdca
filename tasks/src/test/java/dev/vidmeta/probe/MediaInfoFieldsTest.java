package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaInfoFieldsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-05-01 10:00:00 UTC|2024-05-01T10:00:00Z",
        "UTC 2024-05-01 10:00:00|2024-05-01T10:00:00Z",
        "2024-05-01 10:00:00.123 UTC|2024-05-01T10:00:00.123Z",
        "2024-05-01 12:00:00+02:00|2024-05-01 12:00:00+02:00",
        "2024|2024"})
    void date_shouldBeIsoUtc_whenMediaInfoSaysUtc(String mediaInfo, String expected) {
        ObjectNode track = new ObjectMapper().createObjectNode().put("Encoded_Date", mediaInfo);

        assertThat(MediaInfoFields.date(track, "Encoded_Date")).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"1920, 1920", "1234.000, 1234", "abc, ", "'', "})
    void integer_shouldBeAbsent_whenNotANumber(String mediaInfo, Long expected) {
        ObjectNode track = new ObjectMapper().createObjectNode().put("BitRate", mediaInfo);

        assertThat(MediaInfoFields.integer(track, "BitRate")).isEqualTo(expected);
    }
}
