package org.valley.server.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The radio payloads of the demo campus's sensors, in each vendor's own format, so that the codecs
 * Valley runs for them (the built-in Sens'it v3, the JavaScript codecs under {@code
 * examples/codecs}) decode what a real device would send.
 */
final class Payloads {

    /** The payload formats the simulator can speak, told apart by the codec a device uses. */
    enum Format {
        /** Sigfox Sens'it v3 (built-in codec {@code sensit-v3}): door or temperature mode. */
        SENSIT,
        /** Elsys ERS CO2 (type-length-value: temperature, humidity, motion count, CO2). */
        ELSYS,
        /** Milesight VS340/VS341 desk and seat occupancy. */
        VS340,
        /** Browan TBDW100 door and window contact, port 100. */
        TBDW100,
        /** No codec: the generic JSON readings of {@code /ingest/http} and MQTT. */
        JSON;

        /** The format of a codec, by its built-in name or its source file name; JSON when unknown or none. */
        static Format ofCodec(String builtin, String sourceFile) {
            if ("sensit-v3".equals(builtin)) {
                return SENSIT;
            }
            String f = sourceFile == null ? "" : sourceFile;
            if (f.contains("elsys")) {
                return ELSYS;
            }
            if (f.contains("vs340") || f.contains("vs341")) {
                return VS340;
            }
            if (f.contains("tbdw100")) {
                return TBDW100;
            }
            return JSON;
        }

        /** The LoRaWAN port the device sends on. */
        int port() {
            return switch (this) {
                case VS340 -> 85;
                case TBDW100 -> 100;
                default -> 5;
            };
        }
    }

    private Payloads() {}

    /** A Sens'it v3 door-mode frame: 3 open, 2 closed, with the event counter. */
    static byte[] sensitDoor(boolean open, int battery, int events) {
        return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((3 << 3) | (open ? 3 : 2)), (byte) (events >> 8),
                (byte) events};
    }

    /** A Sens'it v3 temperature-mode frame. */
    static byte[] sensitTemperature(double celsius, int humidityPercent, int battery) {
        int raw = (int) Math.round(celsius * 8 + 200);
        return new byte[] {(byte) ((battery << 3) | 0b110), (byte) ((1 << 3) | (raw >> 8)), (byte) raw,
                (byte) (humidityPercent * 2)};
    }

    /** An Elsys frame: temperature (0.1 °C), humidity (%), motion count since the last frame, CO2 (ppm). */
    static byte[] elsys(double celsius, int humidity, int motion, int co2) {
        int t = (int) Math.round(celsius * 10);
        return new byte[] {0x01, (byte) (t >> 8), (byte) t, 0x02, (byte) humidity, 0x05, (byte) Math.min(255, motion),
                0x06, (byte) (co2 >> 8), (byte) co2};
    }

    /** A Milesight VS340 frame: battery (%) and occupancy. */
    static byte[] vs340(boolean occupied, int battery) {
        return new byte[] {0x01, 0x75, (byte) battery, 0x03, 0x00, (byte) (occupied ? 1 : 0)};
    }

    /** A Browan TBDW100 frame: the open bit, battery, board temperature, minutes since the last event, event count. */
    static byte[] tbdw100(boolean open, int celsius, int events) {
        return new byte[] {(byte) (open ? 1 : 0), 0x0b, (byte) (celsius + 32), 0, 0, (byte) events, (byte) (events >> 8), 0};
    }

    /** Generic readings for a device without a codec, keyed as the role reads them by default. */
    static Map<String, Object> json(String role, int people, boolean open, int in, int out, int co2) {
        Map<String, Object> values = new LinkedHashMap<>();
        switch (role == null ? "other" : role) {
            case "counter" -> {
                values.put("in", in);
                values.put("out", out);
            }
            case "desk", "seat" -> values.put("occupied", people > 0);
            case "motion" -> values.put("motion", people);
            case "door" -> values.put("open", open);
            case "co2" -> values.put("co2", co2);
            default -> values.put("temperature", 21.5);
        }
        return values;
    }
}
