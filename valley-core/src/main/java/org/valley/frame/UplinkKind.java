package org.valley.frame;

/** What kind of network delivery an {@link Uplink} records. The code is its stable journal encoding. */
public enum UplinkKind {
    /** A Sigfox DATA or BIDIR callback: one reception of a frame. */
    SIGFOX_DATA(1),
    /** A Sigfox DATA_ADVANCED callback: enriches a frame already received. */
    SIGFOX_ADVANCED(2);

    private final int code;

    UplinkKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static UplinkKind ofCode(int code) {
        for (UplinkKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown uplink kind code " + code);
    }
}
