package org.valley.frame;

/**
 * What kind of network delivery an {@link Uplink} records. The code is its stable journal encoding:
 * codes are never reused or renumbered, new kinds take new codes.
 */
public enum UplinkKind {
    /** A Sigfox DATA or BIDIR callback: one reception of a frame. */
    SIGFOX_DATA(1, Role.FRAME),
    /** A Sigfox DATA_ADVANCED callback: enriches a frame already received. */
    SIGFOX_ADVANCED(2, Role.ENRICHMENT),
    /** A The Things Stack v3 {@code uplink_message}: one LoRaWAN frame with every gateway's reception. */
    TTS_UPLINK(3, Role.FRAME),
    /** A The Things Stack v3 {@code join_accept}: the device joined again, its frame counter restarts. */
    TTS_JOIN(4, Role.JOIN),
    /** Another The Things Stack v3 message (downlink events, location, service data): kept, not a frame. */
    TTS_EVENT(5, Role.EVENT),
    /** A ChirpStack v4 {@code up} event. */
    CHIRPSTACK_UPLINK(6, Role.FRAME),
    /** A ChirpStack v4 {@code join} event. */
    CHIRPSTACK_JOIN(7, Role.JOIN),
    /** Another ChirpStack v4 event (status, ack, txack, log, location, integration): kept, not a frame. */
    CHIRPSTACK_EVENT(8, Role.EVENT),
    /** Readings sent as JSON ({@code POST /ingest/http/{deviceId}} or MQTT): the payload is the values, no codec. */
    JSON_VALUES(9, Role.FRAME),
    /** Raw payload bytes published on Valley's MQTT endpoint, decoded by the device's codec. */
    RAW_PAYLOAD(10, Role.FRAME);

    /** What the projection does with a kind. */
    public enum Role {
        /** A frame of the device: identified, stored, decoded. */
        FRAME,
        /** More about a frame already received. */
        ENRICHMENT,
        /** The device joined: its frame counter starts a new run. */
        JOIN,
        /** A network event about the device that is not a frame. */
        EVENT
    }

    private final int code;
    private final Role role;

    UplinkKind(int code, Role role) {
        this.code = code;
        this.role = role;
    }

    public int code() {
        return code;
    }

    public Role role() {
        return role;
    }

    /** True for LoRaWAN deliveries, whose frame counter is 32 bits wide and restarts at every join. */
    public boolean lorawan() {
        return switch (this) {
            case TTS_UPLINK, TTS_JOIN, TTS_EVENT, CHIRPSTACK_UPLINK, CHIRPSTACK_JOIN, CHIRPSTACK_EVENT -> true;
            default -> false;
        };
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
