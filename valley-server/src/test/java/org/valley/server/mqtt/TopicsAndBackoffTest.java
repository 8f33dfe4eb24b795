package org.valley.server.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
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

    @Test
    void backoff_doublesUpToTheMaximum_withTwentyPercentJitter() {
        Backoff backoff = new Backoff(500, 60_000, new Random(7));
        for (int failures = 1; failures < 40; failures++) {
            long base = Math.min(60_000, 500L << Math.min(failures - 1, 30));
            assertThat(backoff.delayMillis(failures)).isBetween(Math.round(base * 0.8), Math.min(60_000, Math.round(base * 1.2)));
        }
    }
}
