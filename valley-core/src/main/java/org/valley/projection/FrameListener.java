package org.valley.projection;

import java.util.Map;
import org.valley.device.Device;

/**
 * A {@link DecodedListener} that also learns which frame the values come from: the frame's number
 * among its device's frames (the extended sequence number the store keeps with its readings), so
 * that what it derives can be matched with the stored readings later. Same rules: projection
 * thread, quick, never blocking.
 */
@FunctionalInterface
public interface FrameListener {

    /**
     * @param device the device the frame is from
     * @param frame the frame's number among the device's frames, as stored with its readings
     * @param time the readings' time, epoch milliseconds
     * @param values the decoded values, as the codec gave them; not to be modified
     */
    void decoded(Device device, long frame, long time, Map<String, Object> values);
}
