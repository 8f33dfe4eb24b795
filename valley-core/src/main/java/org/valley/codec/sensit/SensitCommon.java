package org.valley.codec.sensit;

import java.util.List;
import java.util.Map;
import org.valley.codec.DecodeResult;

/** What Sens'it v2 and v3 frames share: modes, battery scales, rounding and the common keys. */
final class SensitCommon {

    static final int STANDBY = 0;
    static final int TEMPERATURE = 1;
    static final int LIGHT = 2;
    static final int DOOR = 3;
    static final int VIBRATION = 4;
    static final int MAGNET = 5;

    private static final String[] MODE_NAMES = {"standby", "temperature", "light", "door", "vibration", "magnet"};

    /** The uplink period codes shared by both versions: 10 minutes, 1 hour, 6 hours, 1 day. */
    private static final int[] PERIOD_MINUTES = {10, 60, 360, 1440};

    private SensitCommon() {}

    static DecodeResult.Rejected rejected(String reason) {
        return new DecodeResult.Rejected(List.of(reason));
    }

    static boolean knownMode(int mode) {
        return mode >= STANDBY && mode <= MAGNET;
    }

    static int periodMinutes(int code) {
        return PERIOD_MINUTES[code & 3];
    }

    /** Battery in mV from the 5-bit level both versions send: 2700 mV + 50 mV per step. */
    static int batteryMillivolts(int level) {
        return level * 50 + 2700;
    }

    /*
     * Battery percentage, as Sigfox's own Sens'it parser computes it from the voltage: a piecewise
     * linear fit of the cell's discharge curve. Computed in double arithmetic with round-half-up
     * (Math.round), so that results match the JavaScript reference bit for bit, ties included.
     */
    static int batteryPercent(int millivolts) {
        double volts = millivolts / 1000.0;
        long percent;
        if (volts >= 4.15) {
            percent = 100;
        } else if (volts >= 3.8) {
            percent = Math.round((volts - 3.275) * 114);
        } else if (volts >= 3.6) {
            percent = Math.round((volts - 3.56) * 250);
        } else if (volts >= 3.0) {
            percent = Math.round((volts - 3) * 16);
        } else {
            percent = 0;
        }
        return (int) Math.max(0, Math.min(100, percent));
    }

    /**
     * A 0..4 bar indicator: 0 for an empty battery, then one bar per started quarter (1..25% is 1,
     * 76..100% is 4). The vectors fix 100% and 94% at 4 and 60% at 3; no public source gives the
     * reference formula, so this is Valley's.
     */
    static int batteryIndicator(int percent) {
        return (percent + 24) / 25;
    }

    /** Rounds to 2 decimals, half up, like the JavaScript reference's Math.round(x * 100) / 100. */
    static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** Adds the keys every decoded frame carries, after the mode's own values. */
    static void putCommon(Map<String, Object> data, boolean button, int millivolts, int mode) {
        int percent = batteryPercent(millivolts);
        data.put("button", button);
        data.put("battery", percent);
        data.put("batteryLevel", millivolts);
        data.put("batteryIndicator", batteryIndicator(percent));
        data.put("modeCode", mode);
        data.put("mode", MODE_NAMES[mode]);
    }
}
