package org.valley.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.valley.server.http.Problem;

/**
 * Times in network bodies are read directly in the form networks send ({@code
 * 2026-11-02T09:00:00.123456789Z}); every time reads as {@link Instant#parse} (or, failing that,
 * {@link OffsetDateTime#parse}) reads it, and a time too far from 1970 is a problem naming the field.
 */
class JsonBodyTimeTest {

    @Property(tries = 3000)
    void utcTimes_readAsInstantParseReadsThem(@ForAll @LongRange(min = -62_167_219_200L, max = 253_402_300_799L) long second,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos, @ForAll @IntRange(min = 0, max = 9) int digits) {
        String text = Instant.ofEpochSecond(second).toString().replace("Z", "");
        if (digits > 0) {
            text += "." + String.format("%09d", nanos).substring(0, digits);
        }
        text += "Z";
        assertThat(JsonBody.epochMillis(text)).as(text).isEqualTo(Instant.parse(text).toEpochMilli());
    }

    @Property(tries = 3000)
    void anyText_readsAsTheFormattersReadIt(@ForAll("timeLike") String text) {
        Long expected;
        try {
            expected = reference(text);
        } catch (DateTimeException | ArithmeticException e) {
            expected = null;
        }
        if (expected == null) {
            assertThatThrownBy(() -> JsonBody.epochMillis(text)).as(text)
                    .isInstanceOfAny(DateTimeException.class, ArithmeticException.class);
        } else {
            assertThat(JsonBody.epochMillis(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void aTimeBeyondEpochMilliseconds_isAProblemNamingTheField() throws Exception {
        JsonNode body = JsonBody.object("{\"time\":\"+1000000000-01-01T00:00:00Z\"}".getBytes());
        assertThatThrownBy(() -> JsonBody.time(body, "time", "up.time")).isInstanceOfSatisfying(Problem.class, p -> {
            assertThat(p.status()).isEqualTo(400);
            assertThat(p.field()).isEqualTo("up.time");
        });
    }

    private static long reference(String text) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        }
    }

    /** Times networks send, with characters changed, added or dropped. */
    @Provide
    Arbitrary<String> timeLike() {
        Arbitrary<String> base = Arbitraries.of("2026-11-02T09:00:00Z", "2026-11-02T09:00:00.123Z", "2024-02-29T23:59:59.999999999Z",
                "1969-12-31T23:59:59.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9Z", "2026-11-02T09:00:00+02:00");
        Arbitrary<Character> chars = Arbitraries.of('0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 't', 'Z', 'z', '+', ' ', 'x');
        return base.flatMap(b -> Arbitraries.integers().between(0, b.length() - 1).flatMap(at -> chars.flatMap(c ->
                Arbitraries.of(0, 1, 2, 3).map(op -> switch (op) {
                    case 0 -> b;
                    case 1 -> b.substring(0, at) + c + b.substring(at + 1);
                    case 2 -> b.substring(0, at) + c + b.substring(at);
                    default -> b.substring(0, at) + b.substring(at + 1);
                }))));
    }
}
