package org.valley.codec.sensit;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.valley.codec.DecodeResult;

class SensitV3PropertiesTest {

    private final SensitV3 codec = new SensitV3();

    @Property(tries = 5000)
    void decode_anyFourBytes_decodesOrIsRejectedButNeverThrows(@ForAll @Size(4) byte[] payload) {
        DecodeResult result = codec.decode(payload, -1);

        switch (result) {
            case DecodeResult.Decoded decoded -> {
                assertThat(decoded.data()).containsKeys("type", "mode", "battery", "batteryLevel", "config");
                assertThat(decoded.data().get("config")).isNull();
            }
            case DecodeResult.Rejected rejected -> assertThat(rejected.errors()).isNotEmpty();
        }
    }

    @Property(tries = 2000)
    void decode_anyTwelveBytes_decodesWithConfigOrIsRejected(@ForAll @Size(12) byte[] payload) {
        DecodeResult result = codec.decode(payload, -1);

        if (result instanceof DecodeResult.Decoded decoded) {
            assertThat(decoded.data().get("config")).isNotNull();
        } else {
            assertThat(((DecodeResult.Rejected) result).errors()).isNotEmpty();
        }
    }

    @Property(tries = 1000)
    void decode_anyLength_neverThrows(@ForAll @Size(max = 20) byte[] payload) {
        assertThat(codec.decode(payload, -1)).isNotNull();
    }
}
