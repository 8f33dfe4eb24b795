package org.valley.server.ingest.lorawan;

/** How the network that delivered a device's uplinks takes downlinks for it. */
public sealed interface DownlinkRoute {

    /**
     * The Things Stack: a push to the webhook's downlink queue URL with the API key the webhook
     * sent ({@code X-Downlink-Push}, {@code X-Downlink-Apikey}).
     */
    record TtsPush(String pushUrl, String apiKey) implements DownlinkRoute {}

    /** ChirpStack: a command on its MQTT broker, {@code application/{applicationId}/device/{devEui}/command/down}. */
    record ChirpstackCommand(String applicationId, String devEui) implements DownlinkRoute {}
}
