package org.valley.server.ingest.lorawan;

import java.util.Map;

/**
 * One message from a network server, as received.
 *
 * @param body the message bytes
 * @param protobuf true when the body is Protobuf rather than JSON (ChirpStack can send either)
 * @param event the event the transport named (ChirpStack's {@code ?event=} or the last MQTT topic
 *     level), or null when the body names it (The Things Stack)
 * @param headers HTTP headers that came with it, lower-case names (empty over MQTT)
 * @param tenant the tenant of the integration that received it
 * @param integration the integration id
 * @param receivedAt when Valley received it, epoch milliseconds
 */
public record Message(byte[] body, boolean protobuf, String event, Map<String, String> headers, String tenant,
        String integration, long receivedAt) {

    public Message {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
