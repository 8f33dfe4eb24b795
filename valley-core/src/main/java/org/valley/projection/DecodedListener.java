package org.valley.projection;

import java.util.Map;
import org.valley.device.Device;

/**
 * Told of the values of every frame the projection decodes as it arrives (not of history decoded
 * again, nor of the journal replayed at start-up). Runs on the projection thread: it must be quick
 * and must not block; hand the values over to another thread.
 */
@FunctionalInterface
public interface DecodedListener {

    /**
     * @param device the device the frame is from
     * @param time the readings' time, epoch milliseconds
     * @param values the decoded values, as the codec gave them; not to be modified
     */
    void decoded(Device device, long time, Map<String, Object> values);
}
