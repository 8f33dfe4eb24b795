package org.valley.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.valley.codec.BuiltinCodecs;
import org.valley.codec.Codec;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.js.JsRuntime;

/**
 * The simulator's payloads, decoded by the very codecs the demo campus's devices use: what the
 * simulator means is what Valley reads, under the keys the space roles read.
 */
class PayloadsTest {

    private static JsRuntime js;

    @BeforeAll
    static void start() {
        js = new JsRuntime();
    }

    @AfterAll
    static void stop() {
        js.close();
    }

    static Codec javascript(String file) throws Exception {
        String source = Files.readString(Path.of("../examples/codecs", file));
        return js.compile(new CodecDefinition(file, null, "javascript", source, 1, null));
    }

    static Map<String, Object> data(DecodeResult result) {
        assertThat(result).as("%s", result).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).data();
    }

    @Test
    void sensitDoor_decodesToTheDoorStatesOfTheBuiltinCodec() {
        Codec sensit = BuiltinCodecs.byName("sensit-v3").orElseThrow();
        assertThat(data(sensit.decode(Payloads.sensitDoor(true, 24, 7), -1))).containsEntry("door", 3).containsEntry("eventCounter", 7);
        assertThat(data(sensit.decode(Payloads.sensitDoor(false, 24, 8), -1))).containsEntry("door", 2);
        assertThat(data(sensit.decode(Payloads.sensitTemperature(21.5, 45, 24), -1)))
                .containsEntry("temperature", 21.5).containsEntry("humidity", 45.0);
    }

    @Test
    void elsys_carriesMotionAndCo2() throws Exception {
        Map<String, Object> d = data(javascript("elsys.js").decode(Payloads.elsys(22.4, 41, 5, 812), Payloads.Format.ELSYS.port()));
        assertThat(((Number) d.get("temperature")).doubleValue()).isEqualTo(22.4);
        assertThat(((Number) d.get("humidity")).intValue()).isEqualTo(41);
        assertThat(((Number) d.get("motion")).intValue()).isEqualTo(5);
        assertThat(((Number) d.get("co2")).intValue()).isEqualTo(812);
    }

    @Test
    void vs340_saysOccupiedOrVacant() throws Exception {
        Codec vs340 = javascript("milesight-vs340.js");
        assertThat(data(vs340.decode(Payloads.vs340(true, 87), 85))).containsEntry("occupancy", "occupied");
        assertThat(data(vs340.decode(Payloads.vs340(false, 87), 85))).containsEntry("occupancy", "vacant");
    }

    @Test
    void tbdw100_saysOpenOrClosedOnPort100() throws Exception {
        Codec tbdw = javascript("browan-tbdw100.js");
        assertThat(((Number) data(tbdw.decode(Payloads.tbdw100(true, 22, 3), Payloads.Format.TBDW100.port())).get("status")).intValue())
                .isEqualTo(1);
        assertThat(((Number) data(tbdw.decode(Payloads.tbdw100(false, 22, 4), 100)).get("count")).intValue()).isEqualTo(4);
    }

    @Test
    void json_usesTheKeysTheRolesRead() {
        assertThat(Payloads.json("counter", 0, false, 3, 1, 0)).containsExactly(Map.entry("in", 3), Map.entry("out", 1));
        assertThat(Payloads.json("desk", 1, false, 0, 0, 0)).containsExactly(Map.entry("occupied", true));
        assertThat(Payloads.json("door", 0, true, 0, 0, 0)).containsExactly(Map.entry("open", true));
    }
}
