package org.valley.codec.sensit;

import static org.valley.codec.sensit.SensitCommon.DOOR;
import static org.valley.codec.sensit.SensitCommon.LIGHT;
import static org.valley.codec.sensit.SensitCommon.MAGNET;
import static org.valley.codec.sensit.SensitCommon.STANDBY;
import static org.valley.codec.sensit.SensitCommon.TEMPERATURE;
import static org.valley.codec.sensit.SensitCommon.VIBRATION;
import static org.valley.codec.sensit.SensitCommon.round2;

import java.util.List;
import org.valley.codec.DecodeResult;
import org.valley.json.JsonObject;

/*
 * Sens'it v2 data frames. Layout from Sigfox's sensit-payload library (payload_v2_s, C bit-fields
 * allocated from the least significant bit), cross-checked against an independent public v2 parser:
 *
 *   byte 0  bit 7 battery MSB   bits 6..5 frame type   bits 4..3 uplink period   bits 2..0 mode
 *   byte 1  bits 7..4 temperature MSB (4 bits)          bits 3..0 battery LSB
 *   byte 2  bit 6 reed switch   bits 5..0 temperature LSB (6 bits); in light mode the whole byte
 *           is the brightness: bits 7..6 pick a multiplier (1, 8, 64, 1024) of bits 5..0
 *   byte 3  humidity (0.5 %) | alert counter (light, door, vibration, magnet) | firmware version
 *           (bits 7..4 major, 3..0 minor) in standby and button frames
 *
 * Frame types: 0 periodic, 1 button (double press), 2 alert, 3 new mode. Battery, temperature,
 * humidity and light scale as in v3. As in the reference, a button frame carries only the
 * temperature (temperature mode) or the version (standby mode); door and vibration states come
 * from the frame type (an alert frame is a movement or a vibration), the magnet from the reed
 * switch bit.
 */
final class SensitV2 {

    private static final int FRAME_BUTTON = 1;
    private static final int FRAME_ALERT = 2;
    private static final String[] FRAME_TYPES = {"periodic", "button", "alert", "new-mode"};

    private SensitV2() {}

    /** Decodes a 4- or 12-byte frame whose byte 0 bits 2..0 (the mode) are below 110. */
    static DecodeResult decode(byte[] payload) {
        int b0 = payload[0] & 0xFF;
        int b1 = payload[1] & 0xFF;
        int b2 = payload[2] & 0xFF;
        int b3 = payload[3] & 0xFF;
        int mode = b0 & 0b111;
        if (!SensitCommon.knownMode(mode)) {
            return SensitCommon.rejected("mode " + mode + " (byte 0 bits 2..0) is not a Sens'it v2 mode (0..5)");
        }
        int frameType = (b0 >>> 5) & 0b11;
        int period = (b0 >>> 3) & 0b11;
        boolean button = frameType == FRAME_BUTTON;
        int level = ((b0 >>> 7) << 4) | (b1 & 0x0F);

        JsonObject data = new JsonObject(16);
        data.put("error", 0);
        data.put("type", 2);
        switch (mode) {
            case STANDBY -> data.put("version", (b3 >>> 4) + "." + (b3 & 0x0F) + ".0");
            case TEMPERATURE -> {
                int raw = ((b1 >>> 4) << 6) | (b2 & 0x3F);
                data.put("temperature", round2((raw - 200) / 8.0));
                if (!button) {
                    data.put("humidity", b3 / 2.0);
                }
            }
            case LIGHT -> {
                if (!button) {
                    data.put("light", round2(brightness(b2) / 96.0));
                }
            }
            case DOOR -> {
                if (!button) {
                    data.put("door", frameType == FRAME_ALERT ? 1 : 0);
                    data.put("eventCounter", b3);
                }
            }
            case VIBRATION -> {
                if (!button) {
                    data.put("vibration", frameType == FRAME_ALERT);
                    data.put("eventCounter", b3);
                }
            }
            case MAGNET -> {
                if (!button) {
                    data.put("magnet", ((b2 >>> 6) & 1) == 1);
                    data.put("eventCounter", b3);
                }
            }
            default -> throw new AssertionError(mode);
        }
        SensitCommon.putCommon(data, button, SensitCommon.batteryMillivolts(level), mode);
        data.put("frameType", FRAME_TYPES[frameType]);
        data.put("periodMinutes", SensitCommon.periodMinutes(period));
        data.put("config", payload.length == SensitV3.FRAME_WITH_CONFIG_BYTES ? SensitConfig.v2(payload) : null);
        return new DecodeResult.Decoded(data, List.of());
    }

    /**
     * The v2 compressed brightness (light mode data and the light thresholds of the configuration),
     * in 1/96 lux: bits 7..6 select a multiplier of bits 5..0.
     */
    static int brightness(int encoded) {
        int mantissa = encoded & 0x3F;
        return switch (encoded >>> 6) {
            case 0b11 -> mantissa * 1024;
            case 0b10 -> mantissa * 64;
            case 0b01 -> mantissa * 8;
            default -> mantissa;
        };
    }
}
