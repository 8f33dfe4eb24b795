package org.valley.server.ingest.lorawan;

import org.valley.frame.Uplink;

/**
 * What one network message carries.
 *
 * @param uplink what goes to the journal: a frame, a join or another event of the device
 * @param downlinkUpdate a change of a Valley downlink's status reported by the network, or null
 * @param route how to send downlinks to this device through the network that sent the message, or null
 */
public record Delivery(Uplink uplink, DownlinkUpdate downlinkUpdate, DownlinkRoute route) {

    /**
     * The network reports on a downlink Valley queued.
     *
     * @param downlinkId Valley's downlink id, found in what the network echoes back
     * @param status {@code transmitted}, {@code acknowledged}, {@code nacked} or {@code failed}
     */
    public record DownlinkUpdate(String downlinkId, String status) {}
}
