package org.valley.device;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registered devices, in memory, by id and by network id. Read by every ingestion thread and
 * the projection; written by the API. The store keeps the durable copy.
 */
public final class DeviceDirectory {

    private final Map<String, Device> byId = new ConcurrentHashMap<>();
    private final Map<String, Device> byNetworkId = new ConcurrentHashMap<>();
    /** Moves on after every change, once the maps show it: a reader that saw a count may keep what it looked up. */
    private final AtomicInteger changes = new AtomicInteger();

    public Device byId(String id) {
        return byId.get(id);
    }

    /** The device registered with this network id (upper case), or null. */
    public Device byNetworkId(String networkId) {
        return byNetworkId.get(networkId);
    }

    public void put(Device device) {
        Device previous = byId.put(device.id(), device);
        if (previous != null && !previous.network().id().equals(device.network().id())) {
            byNetworkId.remove(previous.network().id(), previous);
        }
        byNetworkId.put(device.network().id(), device);
        changes.incrementAndGet();
    }

    public void remove(String id) {
        Device previous = byId.remove(id);
        if (previous != null) {
            byNetworkId.remove(previous.network().id(), previous);
        }
        changes.incrementAndGet();
    }

    /**
     * How many times the directory changed. A lookup made after reading a count stays true for as
     * long as the count is the same: the count moves on only once a change is visible in the maps.
     */
    public int changes() {
        return changes.get();
    }

    public Collection<Device> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    public int size() {
        return byId.size();
    }
}
