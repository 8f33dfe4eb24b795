package org.valley.server.ingest.lorawan;

import static org.valley.server.ingest.lorawan.JsonScan.once;

import java.io.IOException;

/**
 * The LoRa data rate of an uplink read in one pass: the spreading factor and the bandwidth that
 * both networks give in a {@code lora} object, each under its own name for the spreading factor.
 */
final class LoraRate {

    private boolean present;
    private long spreadingFactor;
    private long bandwidth;

    /** Reads the current value, the {@code lora} object (or null). */
    void read(Tokens p, String spreadingFactorName) throws IOException {
        present = JsonScan.object(p);
        if (!present) {
            return;
        }
        int seen = 0;
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            p.nextToken();
            if (name.equals(spreadingFactorName)) {
                seen = once(seen, 1);
                spreadingFactor = JsonScan.unsigned(p, 64, 0);
            } else if (name.equals("bandwidth")) {
                seen = once(seen, 2);
                bandwidth = JsonScan.unsigned(p, 100_000_000, 0);
            } else {
                JsonScan.skip(p);
            }
        }
    }

    /** Adds {@code spreadingFactor} and {@code bandwidth} to the frame's metadata when the object was there. */
    void addTo(JsonScan.Meta meta) {
        if (present) {
            meta.number("spreadingFactor", spreadingFactor).number("bandwidth", bandwidth);
        }
    }
}
