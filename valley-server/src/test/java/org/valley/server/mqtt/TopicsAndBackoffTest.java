package org.valley.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsAndBackoffTest {

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "valley/acme/devices/+/readings, valley/acme/devices/d1/readings, true",
        "valley/acme/#, valley/acme/devices/d1/readings, true",
        "valley/acme/devices/#, valley/acme/devices, true",
        "valley/acme/devices/+/readings, valley/acme/devices/d1/up, false",
        "valley/acme/devices/+, valley/acme/devices/d1/readings, false",
        "valley/acme/devices/d1/readings/x, valley/acme/devices/d1/readings, false",
        "valley/acme/devices/d1/readings, valley/acme/devices/d1/readings, true",
    })
    void matches_followsMqttWildcards(String filter, String topic, boolean expected) {
        assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "valley/acme/devices/+/readings, true",
        "valley/acme/#, true",
        "valley/+/devices/+/readings, false",
        "valley/#, false",
        "#, false",
        "valley/acmeX/#, false",
        "valley/acme/de#, false",
        "valley/acme/#/x, false",
        "valley/acme/a+/x, false",
    })
    void subscriptions_stayInsideTheTenant(String filter, boolean allowed) {
        assertThat(Topics.allowedFilter(filter, "acme")).isEqualTo(allowed);
    }

    @Test
    void upTopic_namesTenantAndDevice_orIsNoUplink() {
        assertThat(Topics.up("valley/acme/devices/door-1/up")).isEqualTo(new Topics.Up("acme", "door-1"));
        assertThat(Topics.up("valley/acme/devices/door-1/readings")).isNull();
        assertThat(Topics.up("valley/acme/devices//up")).isNull();
        assertThat(Topics.up("valley/acme/devices/a/b/up")).isNull();
    }

    /** The uplink topic's definition, as a regular expression. */
    private static final Pattern UP_TOPIC = Pattern.compile(
            "valley/([A-Za-z0-9][A-Za-z0-9._:-]{0,63})/devices/([A-Za-z0-9][A-Za-z0-9._:-]{0,63})/up");

    @Property(tries = 3000)
    void upTopic_parsesExactlyWhatTheDefinitionMatches(@ForAll("topics") String topic) {
        java.util.regex.Matcher m = UP_TOPIC.matcher(topic);
        Topics.Up expected = m.matches() ? new Topics.Up(m.group(1), m.group(2)) : null;
        assertThat(Topics.up(topic)).as(topic).isEqualTo(expected);
    }

    /** Topics near the uplink topic's shape: mostly its literal levels, ids of any length, mostly of allowed characters. */
    @Provide
    Arbitrary<String> topics() {
        Arbitrary<String> id = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().withChars("aZ09._:-").ofMinLength(0).ofMaxLength(70)),
                Tuple.of(1, Arbitraries.strings().withChars("aZ09._:-/+# é").ofMinLength(0).ofMaxLength(70)));
        Arbitrary<String> root = Arbitraries.frequency(Tuple.of(8, "valley/"), Tuple.of(1, "valley"), Tuple.of(1, "Valley/"),
                Tuple.of(1, "valley//"), Tuple.of(1, ""));
        Arbitrary<String> devices = Arbitraries.frequency(Tuple.of(8, "/devices/"), Tuple.of(1, "/devices"),
                Tuple.of(1, "/device/"), Tuple.of(1, "/devices//"), Tuple.of(1, "/"));
        Arbitrary<String> up = Arbitraries.frequency(Tuple.of(8, "/up"), Tuple.of(1, "/up/"), Tuple.of(1, "/upp"),
                Tuple.of(1, "up"), Tuple.of(1, "/readings"), Tuple.of(1, ""));
        return Combinators.combine(root, id, devices, id, up).as((a, b, c, d, e) -> a + b + c + d + e);
    }

    @Test
    void backoff_doublesUpToTheMaximum_withTwentyPercentJitter() {
        Backoff backoff = new Backoff(500, 60_000, new Random(7));
        for (int failures = 1; failures < 40; failures++) {
            long base = Math.min(60_000, 500L << Math.min(failures - 1, 30));
            assertThat(backoff.delayMillis(failures)).isBetween(Math.round(base * 0.8), Math.min(60_000, Math.round(base * 1.2)));
        }
    }
}
