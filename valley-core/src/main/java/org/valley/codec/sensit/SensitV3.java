package org.valley.codec.sensit;

import static org.valley.codec.sensit.SensitCommon.DOOR;
import static org.valley.codec.sensit.SensitCommon.LIGHT;
import static org.valley.codec.sensit.SensitCommon.MAGNET;
import static org.valley.codec.sensit.SensitCommon.STANDBY;
import static org.valley.codec.sensit.SensitCommon.TEMPERATURE;
import static org.valley.codec.sensit.SensitCommon.VIBRATION;
import static org.valley.codec.sensit.SensitCommon.rejected;
import static org.valley.codec.sensit.SensitCommon.round2;

import java.util.List;
import org.valley.codec.Codec;
import org.valley.codec.DecodeResult;
import org.valley.json.JsonObject;

/**
 * Sigfox's Sens'it multi-sensor, firmware v3 (and the older v2 frames, which the same device
 * family sends before an upgrade).
 *
 * <p>A frame has 4 data bytes, or 12 when the device appends its 8-byte configuration. Bits 2..0 of
 * byte 0 tell the version: {@code 110} is v3, lower values are a v2 frame (where those bits are the
 * mode), {@code 111} is invalid. The v3 data bytes:
 *
 * <pre>
 * byte 0  bits 7..3 battery level (mV = n * 50 + 2700)   bits 2..0 = 110
 * byte 1  bits 7..3 mode   bit 2 button   bits 1..0 special value
 * byte 2, 3 by mode:
 *   standby      firmware major (b2 7..4), minor (b2 3..0 then b3 7..6), patch (b3 5..0)
 *   temperature  ((special << 8 | b2) - 200) / 8 degC, humidity b3 / 2 %
 *   light        (b2 << 8 | b3) / 96 lux
 *   door         state in the special value, 16-bit event counter
 *   vibration    special value 01 = vibration detected, 16-bit event counter
 *   magnet       special value 01 = magnet detected, 16-bit event counter
 * </pre>
 *
 * <p>The output keys are those of Sigfox's reference parser ({@code sensit-payload}): {@code error}
 * (always 0), {@code type} (3 or 2), the mode's values ({@code temperature}, {@code humidity},
 * {@code light}, {@code door}, {@code vibration}, {@code magnet}, {@code eventCounter},
 * {@code version}), {@code button}, {@code battery} (%), {@code batteryLevel} (mV),
 * {@code batteryIndicator} (0..4 bars), {@code modeCode}, {@code mode} and {@code config} (a
 * nested map for 12-byte frames, else null). Door states: 1 movement, 2 closed, 3 open, and 4
 * "not calibrated" for the raw value 0.
 *
 * <p>Immutable and thread-safe; never throws.
 */
public final class SensitV3 implements Codec {

    static final int DATA_BYTES = 4;
    static final int FRAME_WITH_CONFIG_BYTES = 12;
    private static final int V3_MARKER = 0b110;
    private static final int DOOR_NOT_CALIBRATED = 4;

    /** Creates the codec; it holds no state, so one instance can serve every device. */
    public SensitV3() {}

    @Override
    public DecodeResult decode(byte[] payload, int fPort) {
        if (payload == null) {
            return rejected("payload is missing");
        }
        if (payload.length != DATA_BYTES && payload.length != FRAME_WITH_CONFIG_BYTES) {
            return rejected("a Sens'it frame has 4 bytes, or 12 with its configuration, but this one has "
                    + payload.length);
        }
        int marker = payload[0] & 0b111;
        if (marker == V3_MARKER) {
            return decodeV3(payload);
        }
        if (marker < V3_MARKER) {
            return SensitV2.decode(payload);
        }
        return rejected("byte 0 bits 2..0 are 111: neither a v3 frame (110) nor a v2 frame (mode 0..5)");
    }

    private static DecodeResult decodeV3(byte[] payload) {
        int b0 = payload[0] & 0xFF;
        int b1 = payload[1] & 0xFF;
        int b2 = payload[2] & 0xFF;
        int b3 = payload[3] & 0xFF;
        int mode = b1 >>> 3;
        if (!SensitCommon.knownMode(mode)) {
            return rejected("mode " + mode + " (byte 1 bits 7..3) is not a Sens'it v3 mode (0..5)");
        }
        boolean button = (b1 & 0b100) != 0;
        int special = b1 & 0b11;
        int counter = (b2 << 8) | b3;

        JsonObject data = new JsonObject(14);
        data.put("error", 0);
        data.put("type", 3);
        switch (mode) {
            case STANDBY -> data.put("version",
                    (b2 >>> 4) + "." + (((b2 & 0x0F) << 2) | (b3 >>> 6)) + "." + (b3 & 0x3F));
            case TEMPERATURE -> {
                data.put("temperature", round2((((special << 8) | b2) - 200) / 8.0));
                data.put("humidity", b3 / 2.0);
            }
            case LIGHT -> data.put("light", round2(counter / 96.0));
            case DOOR -> {
                data.put("door", special == 0 ? DOOR_NOT_CALIBRATED : special);
                data.put("eventCounter", counter);
            }
            case VIBRATION -> {
                data.put("vibration", special == 1);
                data.put("eventCounter", counter);
            }
            case MAGNET -> {
                data.put("magnet", special == 1);
                data.put("eventCounter", counter);
            }
            default -> throw new AssertionError(mode);
        }
        SensitCommon.putCommon(data, button, SensitCommon.batteryMillivolts(b0 >>> 3), mode);
        data.put("config", payload.length == FRAME_WITH_CONFIG_BYTES ? SensitConfig.v3(payload) : null);
        return new DecodeResult.Decoded(data, List.of());
    }
}
