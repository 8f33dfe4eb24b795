package org.valley.codec.sensit;

import java.util.Map;
import org.valley.json.JsonObject;

/*
 * The 8 configuration bytes (frame bytes 4..11) a Sens'it appends to some frames. Layouts from
 * Sigfox's sensit-payload library (C bit-fields, allocated from the least significant bit).
 *
 * v3:
 *   c0  bit 0..5 periodic message on/off for standby, temperature, light, door, vibration, magnet;
 *       bits 7..6 uplink period
 *   c1  bits 5..0 low temperature threshold, degC = n - 9
 *   c2  bits 5..0 high temperature threshold, degC = n - 9
 *   c3  bits 7..4 low humidity threshold, bits 3..0 high; % = 30 + 4 n
 *   c4  bit 7 "limited" (always 1), bits 6..0 light threshold, lux = 1 + 5 n
 *   c5  accelerometer vibration threshold
 *   c6  bits 5..4 vibration clear delay (a code), bits 3..0 vibration debounce count
 *   c7  bits 6..3 door open threshold, bits 2..0 door close threshold
 * v2:
 *   c0  bit 7 uplink period MSB, bits 6..0 low temperature threshold, degC = n - 20
 *   c1  bit 7 uplink period LSB, bits 6..0 high temperature threshold, degC = n - 20
 *   c2, c3  low and high light thresholds, compressed like v2 light data (1/96 lux)
 *   c4, c5  accelerometer transient threshold and debounce count; c6 transient settings
 *   c7  bit 7 "limited", bits 6..0 magnetometer level for door mode
 *
 * The library turns the vibration and door threshold pairs into named sensitivities; a pair it
 * does not know is reported as "unknown". Those names are reported as kebab-case strings rather
 * than the library's enum numbers, whose values are not published.
 */
final class SensitConfig {

    private SensitConfig() {}

    static Map<String, Object> v3(byte[] frame) {
        int c0 = frame[4] & 0xFF;
        int c3 = frame[7] & 0xFF;
        int c4 = frame[8] & 0xFF;
        int c6 = frame[10] & 0xFF;
        int c7 = frame[11] & 0xFF;
        int period = c0 >>> 6;
        Map<String, Object> config = new JsonObject(16);
        config.put("limited", (c4 >>> 7) == 1);
        config.put("period", period);
        config.put("periodMinutes", SensitCommon.periodMinutes(period));
        config.put("isStandByPeriodic", (c0 & 0b1) != 0);
        config.put("isTemperaturePeriodic", (c0 & 0b10) != 0);
        config.put("isLightPeriodic", (c0 & 0b100) != 0);
        config.put("isDoorPeriodic", (c0 & 0b1000) != 0);
        config.put("isVibrationPeriodic", (c0 & 0b10000) != 0);
        config.put("isMagnetPeriodic", (c0 & 0b100000) != 0);
        config.put("temperatureLower", (frame[5] & 0x3F) - 9);
        config.put("temperatureUpper", (frame[6] & 0x3F) - 9);
        config.put("humidityLower", 30 + 4 * (c3 >>> 4));
        config.put("humidityUpper", 30 + 4 * (c3 & 0x0F));
        config.put("lightThreshold", 1 + 5 * (c4 & 0x7F));
        config.put("vibrationSensitivity", vibrationSensitivity(frame[9] & 0xFF, c6 & 0x0F));
        config.put("vibrationClearTime", (c6 >>> 4) & 0b11);
        config.put("doorSensitivity", v3DoorSensitivity(c7 & 0b111, (c7 >>> 3) & 0x0F));
        return config;
    }

    static Map<String, Object> v2(byte[] frame) {
        int c0 = frame[4] & 0xFF;
        int c1 = frame[5] & 0xFF;
        int c7 = frame[11] & 0xFF;
        int period = ((c0 >>> 7) << 1) | (c1 >>> 7);
        Map<String, Object> config = new JsonObject(12);
        config.put("limited", (c7 >>> 7) == 1);
        config.put("period", period);
        config.put("periodMinutes", SensitCommon.periodMinutes(period));
        config.put("temperatureLower", (c0 & 0x7F) - 20);
        config.put("temperatureUpper", (c1 & 0x7F) - 20);
        config.put("lightLower", SensitCommon.round2(SensitV2.brightness(frame[6] & 0xFF) / 96.0));
        config.put("lightUpper", SensitCommon.round2(SensitV2.brightness(frame[7] & 0xFF) / 96.0));
        config.put("vibrationSensitivity", vibrationSensitivity(frame[8] & 0xFF, frame[9] & 0xFF));
        config.put("doorSensitivity", v2DoorSensitivity(c7 & 0x7F));
        return config;
    }

    /** The accelerometer (threshold, debounce count) pairs the firmware uses, by name. */
    private static String vibrationSensitivity(int threshold, int debounce) {
        return switch (threshold << 8 | debounce) {
            case 0x01_01 -> "very-sensitive";
            case 0x03_01 -> "sensitive";
            case 0x04_02 -> "standard";
            case 0x08_02 -> "not-very-sensitive";
            case 0x10_03 -> "very-little-sensitive";
            default -> "unknown";
        };
    }

    private static String v3DoorSensitivity(int close, int open) {
        if (close != 4) {
            return "unknown";
        }
        return switch (open) {
            case 2 -> "sensitive";
            case 7 -> "standard";
            case 12 -> "not-very-sensitive";
            default -> "unknown";
        };
    }

    private static String v2DoorSensitivity(int level) {
        return switch (level) {
            case 16 -> "sensitive";
            case 32 -> "standard";
            case 50 -> "not-very-sensitive";
            default -> "unknown";
        };
    }
}
