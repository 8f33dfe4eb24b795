package org.valley.codec.sensit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.valley.codec.DecodeResult;
import org.valley.testing.Vectors;

class SensitV3Test {

    private final SensitV3 codec = new SensitV3();

    private Map<String, Object> decode(String hex) {
        DecodeResult result = codec.decode(Vectors.hex(hex), -1);
        assertThat(result).as("decoding %s", hex).isInstanceOf(DecodeResult.Decoded.class);
        return ((DecodeResult.Decoded) result).data();
    }

    private List<String> rejection(byte[] payload) {
        DecodeResult result = codec.decode(payload, -1);
        assertThat(result).isInstanceOf(DecodeResult.Rejected.class);
        return ((DecodeResult.Rejected) result).errors();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> data) {
        return (Map<String, Object>) data.get("config");
    }

    @Nested
    class V3 {

        @Test
        void decode_standbyFrame_reportsFirmwareVersion() {
            // b2 = 0001 0010: major 1, minor MSB 0010; b3 = 01 000011: minor LSB 01, patch 3
            assertThat(decode("F6001243")).containsEntry("mode", "standby").containsEntry("modeCode", 0)
                    .containsEntry("version", "1.9.3").doesNotContainKeys("temperature", "eventCounter");
        }

        @Test
        void decode_coldTemperature_isNegative() {
            assertThat(decode("F6080000")).containsEntry("temperature", -25.0).containsEntry("humidity", 0.0);
            // (199 - 200) / 8 = -0.125 rounds half up, as JavaScript's Math.round does
            assertThat(decode("F608C7C7")).containsEntry("temperature", -0.12).containsEntry("humidity", 99.5);
        }

        @Test
        void decode_temperatureUsesTwoSpecialBitsAsMsb() {
            assertThat(decode("F60BFF00")).containsEntry("temperature", 102.88); // (1023 - 200) / 8 = 102.875
        }

        @Test
        void decode_buttonBit_isReported() {
            assertThat(decode("F60C0000")).containsEntry("button", true).containsEntry("mode", "temperature");
        }

        @ParameterizedTest(name = "special value {0} -> door {1}")
        @CsvSource({"0, 4", "1, 1", "2, 2", "3, 3"})
        void decode_doorStates_zeroIsReportedAsNotCalibrated(int special, int door) {
            String hex = String.format("F6%02X0102", 0x18 | special);
            assertThat(decode(hex)).containsEntry("door", door).containsEntry("eventCounter", 258);
        }

        @Test
        void decode_vibrationFrame_flagsVibrationAndCountsEvents() {
            assertThat(decode("F621FFFF")).containsEntry("mode", "vibration").containsEntry("vibration", true)
                    .containsEntry("eventCounter", 65535);
            assertThat(decode("F6200000")).containsEntry("vibration", false);
        }

        @Test
        void decode_magnetAbsent_isFalse() {
            assertThat(decode("F6280003")).containsEntry("magnet", false).containsEntry("eventCounter", 3);
        }

        @Test
        void decode_lowestBatteryLevel_isZeroPercentAndNoBars() {
            assertThat(decode("06100000")).containsEntry("batteryLevel", 2700).containsEntry("battery", 0)
                    .containsEntry("batteryIndicator", 0);
        }

        @Test
        void decode_batteryScale_followsTheReferenceCurve() {
            // level n: mV = 2700 + 50 n; reference percentages at a few points of each segment
            assertThat(SensitCommon.batteryPercent(4250)).isEqualTo(100);
            assertThat(SensitCommon.batteryPercent(4150)).isEqualTo(100);
            assertThat(SensitCommon.batteryPercent(4100)).isEqualTo(94);
            assertThat(SensitCommon.batteryPercent(3800)).isEqualTo(60);
            // (3.75 - 3.56) * 250 is 47.49999... in doubles, so 47 as in the JavaScript reference
            assertThat(SensitCommon.batteryPercent(3750)).isEqualTo(47);
            assertThat(SensitCommon.batteryPercent(3600)).isEqualTo(10);
            assertThat(SensitCommon.batteryPercent(3300)).isEqualTo(5);
            assertThat(SensitCommon.batteryPercent(3000)).isEqualTo(0);
            assertThat(SensitCommon.batteryIndicator(25)).isEqualTo(1);
            assertThat(SensitCommon.batteryIndicator(26)).isEqualTo(2);
        }

        @Test
        void decode_twelveByteFrame_decodesConfigIntoNestedMap() {
            Map<String, Object> data = decode("F6100065" + "46" + "09" + "27" + "5A" + "93" + "04" + "12" + "3C");
            assertThat(data).containsEntry("light", 1.05);
            assertThat(config(data)).containsExactly(
                    entry("limited", true),
                    entry("period", 1),
                    entry("periodMinutes", 60),
                    entry("isStandByPeriodic", false),
                    entry("isTemperaturePeriodic", true),
                    entry("isLightPeriodic", true),
                    entry("isDoorPeriodic", false),
                    entry("isVibrationPeriodic", false),
                    entry("isMagnetPeriodic", false),
                    entry("temperatureLower", 0),
                    entry("temperatureUpper", 30),
                    entry("humidityLower", 50),
                    entry("humidityUpper", 70),
                    entry("lightThreshold", 96),
                    entry("vibrationSensitivity", "standard"),
                    entry("vibrationClearTime", 1),
                    entry("doorSensitivity", "standard"));
        }

        @Test
        void decode_configWithUnknownThresholdPairs_namesThemUnknown() {
            Map<String, Object> config = config(decode("F6100065" + "0000000000FF0F7F"));
            assertThat(config).containsEntry("vibrationSensitivity", "unknown").containsEntry("doorSensitivity", "unknown");
        }

        @Test
        void decode_unknownMode_isRejected() {
            assertThat(rejection(Vectors.hex("F6300000")))
                    .containsExactly("mode 6 (byte 1 bits 7..3) is not a Sens'it v3 mode (0..5)");
        }
    }

    @Nested
    class V2 {

        @Test
        void decode_v2TemperatureFrame_decodesBatteryTemperatureAndHumidity() {
            // b0 1 00 01 001: battery MSB 1, periodic, 1 hour, temperature; b1 0101 0100: temp MSB 5, battery LSB 4
            assertThat(decode("89543450")).containsExactly(
                    entry("error", 0),
                    entry("type", 2),
                    entry("temperature", 21.5),
                    entry("humidity", 40.0),
                    entry("button", false),
                    entry("battery", 35),
                    entry("batteryLevel", 3700),
                    entry("batteryIndicator", 2),
                    entry("modeCode", 1),
                    entry("mode", "temperature"),
                    entry("frameType", "periodic"),
                    entry("periodMinutes", 60),
                    entry("config", null));
        }

        @Test
        void decode_v2ButtonFrame_keepsTemperatureOnly() {
            assertThat(decode("A9543450")).containsEntry("button", true).containsEntry("temperature", 21.5)
                    .containsEntry("frameType", "button").doesNotContainKey("humidity");
        }

        @Test
        void decode_v2LightFrame_expandsCompressedBrightness() {
            // b2 01 000011: 3 * 8 = 24 / 96 lux
            assertThat(decode("020F4300")).containsEntry("light", 0.25).containsEntry("batteryLevel", 3450)
                    .containsEntry("mode", "light");
            assertThat(decode("020FFF00")).containsEntry("light", 672.0); // 63 * 1024 / 96
        }

        @Test
        void decode_v2AlertInDoorMode_isMovement() {
            assertThat(decode("43000007")).containsEntry("door", 1).containsEntry("eventCounter", 7)
                    .containsEntry("frameType", "alert");
            assertThat(decode("03000007")).containsEntry("door", 0);
        }

        @Test
        void decode_v2VibrationAndMagnet_readFrameTypeAndReedSwitch() {
            assertThat(decode("44000002")).containsEntry("vibration", true).containsEntry("eventCounter", 2);
            assertThat(decode("05004001")).containsEntry("magnet", true).containsEntry("eventCounter", 1);
            assertThat(decode("05000001")).containsEntry("magnet", false);
        }

        @Test
        void decode_v2Standby_reportsVersionFromByte3() {
            assertThat(decode("00000021")).containsEntry("version", "2.1.0").containsEntry("mode", "standby");
        }

        @Test
        void decode_v2TwelveByteFrame_decodesV2Config() {
            Map<String, Object> data = decode("00000021" + "A8" + "B2" + "43" + "00" + "08" + "02" + "73" + "A0");
            assertThat(config(data)).containsExactly(
                    entry("limited", true),
                    entry("period", 3),
                    entry("periodMinutes", 1440),
                    entry("temperatureLower", 20),
                    entry("temperatureUpper", 30),
                    entry("lightLower", 0.25),
                    entry("lightUpper", 0.0),
                    entry("vibrationSensitivity", "not-very-sensitive"),
                    entry("doorSensitivity", "standard"));
        }
    }

    @Nested
    class Rejections {

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 3, 5, 8, 11, 13})
        void decode_wrongLength_isRejectedWithTheLength(int length) {
            assertThat(rejection(new byte[length]))
                    .containsExactly("a Sens'it frame has 4 bytes, or 12 with its configuration, but this one has " + length);
        }

        @Test
        void decode_versionBits111_isRejected() {
            assertThat(rejection(Vectors.hex("FF100065"))).singleElement().asString().contains("111");
        }

        @Test
        void decode_nullPayload_isRejected() {
            assertThat(rejection(null)).containsExactly("payload is missing");
        }

        @Test
        void decode_everyValueOfTheFirstTwoBytes_decodesOrRejectsWithoutThrowing() {
            for (int b0 = 0; b0 < 256; b0++) {
                for (int b1 = 0; b1 < 256; b1++) {
                    DecodeResult result = codec.decode(new byte[] {(byte) b0, (byte) b1, (byte) 0xA5, (byte) 0x5A}, -1);
                    int marker = b0 & 7;
                    int mode = marker == 0b110 ? b1 >>> 3 : marker;
                    boolean valid = marker != 0b111 && mode <= 5;
                    assertThat(result).as("%02X%02X", b0, b1)
                            .isInstanceOf(valid ? DecodeResult.Decoded.class : DecodeResult.Rejected.class);
                }
            }
        }
    }
}
