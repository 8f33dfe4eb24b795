package org.valley.frame;

import java.util.List;

/**
 * One delivery of a frame (or of a network event) by a network, exactly as it is appended to the
 * journal. Several uplinks may describe the same frame (one per base station, a DATA_ADVANCED
 * enrichment, the same LoRaWAN uplink by webhook and by MQTT): the projection merges them by the
 * network's own identity of the frame.
 *
 * @param kind what the network delivered
 * @param tenant the tenant that owns the integration the network called
 * @param integration the integration id the network called
 * @param networkId the device's id on its network (Sigfox id or devEUI), upper-case hex
 * @param seq the network's sequence number of the frame (Sigfox seqNumber, LoRaWAN 32-bit FCntUp),
 *     or -1 when the network gave none
 * @param time when the network received the frame, epoch milliseconds
 * @param receivedAt when Valley received this delivery, epoch milliseconds
 * @param payload the frame's payload bytes (may be empty, never null)
 * @param receptions the receptions this delivery reports (may be empty, never null)
 * @param duplicate true when the network flagged this delivery as a duplicate of one already sent
 * @param ack true when the device waits for a downlink (Sigfox BIDIR, LoRaWAN confirmed uplink)
 * @param meta extra network metadata as a compact JSON object text, or null
 * @param fPort the LoRaWAN port, 0 to 255, or -1 when the network has none
 * @param session the network's identity of the device's session (LoRaWAN: the session key id or
 *     the DevAddr, which change at every join), or null when unknown
 * @param dedupKey the network's own identity of this frame, the same on every delivery of it
 *     (ChirpStack's deduplicationId), or null
 * @param labels the network's names for the device (its application, profile or tenant, the name
 *     the network gave it) as a compact JSON object text, or null. Unlike {@code meta} they are the
 *     same on every frame until the device is renamed or moved, so the projection stores them when
 *     they change rather than with every frame; a frame shows the device's labels as they were when
 *     it arrived.
 */
public record Uplink(
        UplinkKind kind,
        String tenant,
        String integration,
        String networkId,
        long seq,
        long time,
        long receivedAt,
        byte[] payload,
        List<Reception> receptions,
        boolean duplicate,
        boolean ack,
        String meta,
        int fPort,
        String session,
        String dedupKey,
        String labels) {

    public static final int NO_SEQ = -1;
    public static final int NO_PORT = -1;

    public Uplink {
        if (kind == null || tenant == null || integration == null || networkId == null) {
            throw new IllegalArgumentException("kind, tenant, integration and networkId are required");
        }
        if (fPort < NO_PORT || fPort > 255) {
            throw new IllegalArgumentException("fPort must be 0..255 or -1, got " + fPort);
        }
        if (payload == null) {
            payload = new byte[0];
        }
        receptions = receptions == null ? List.of() : List.copyOf(receptions);
    }

    /** An uplink without labels. */
    public Uplink(UplinkKind kind, String tenant, String integration, String networkId, long seq, long time,
            long receivedAt, byte[] payload, List<Reception> receptions, boolean duplicate, boolean ack, String meta,
            int fPort, String session, String dedupKey) {
        this(kind, tenant, integration, networkId, seq, time, receivedAt, payload, receptions, duplicate, ack, meta,
                fPort, session, dedupKey, null);
    }

    /** An uplink without LoRaWAN fields (Sigfox). */
    public Uplink(UplinkKind kind, String tenant, String integration, String networkId, long seq, long time,
            long receivedAt, byte[] payload, List<Reception> receptions, boolean duplicate, boolean ack, String meta) {
        this(kind, tenant, integration, networkId, seq, time, receivedAt, payload, receptions, duplicate, ack, meta,
                NO_PORT, null, null, null);
    }
}
