package org.valley.server.ingest.lorawan;

/**
 * The message format of one LoRaWAN network server, read into journal uplinks. One implementation
 * per upstream format ({@link TheThingsStack}, {@link ChirpStack}); the HTTP endpoints and the MQTT
 * bridge hand every message to the same implementation, so a message means the same thing whichever
 * way it came.
 */
public sealed interface NetworkFormat permits TheThingsStack, ChirpStack {

    /** The format's name in integrations and bridges: {@code ttn} or {@code chirpstack}. */
    String name();

    /**
     * Reads one message.
     *
     * @throws org.valley.server.http.Problem naming the field and the rule when the message is not
     *     valid; nothing is appended then
     */
    Delivery read(Message message);
}
