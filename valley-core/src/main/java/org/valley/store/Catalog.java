package org.valley.store;

import java.time.Instant;
import java.util.List;
import org.valley.codec.CodecDefinition;
import org.valley.device.Device;

/**
 * The durable copy of what operators and tenants configure: tenants, keys, integrations, codecs,
 * devices and downlinks. Small and read into memory at start-up; written by the API.
 */
public interface Catalog {

    record Tenant(String id, String name, Instant createdAt) {}

    /** An API key, stored as the SHA-256 of its text. */
    record ApiKey(String hash, String tenant, String role, Instant createdAt) {}

    /**
     * An integration: a network or client that calls Valley with its key, or a bridge Valley runs.
     *
     * @param config the settings of a bridge as JSON text (broker URL, topic, format...), or null
     */
    record Integration(String id, String tenant, String kind, String keyHash, Instant createdAt, String config) {
        public Integration(String id, String tenant, String kind, String keyHash, Instant createdAt) {
            this(id, tenant, kind, keyHash, createdAt, null);
        }
    }

    record Downlink(String id, String deviceId, String payloadHex, Integer fPort, String status,
            Instant createdAt, Instant sentAt) {}

    List<Tenant> tenants();

    void putTenant(Tenant tenant);

    List<ApiKey> keys();

    void putKey(ApiKey key);

    List<Integration> integrations();

    void putIntegration(Integration integration);

    void deleteIntegration(String id);

    /** The latest version of every codec. */
    List<CodecDefinition> codecs();

    /** Every version of one codec, oldest first. */
    List<CodecDefinition> codecVersions(String id);

    void putCodec(CodecDefinition definition);

    List<Device> devices();

    void putDevice(Device device);

    /** Stores new devices all together: all of them or, on failure, none. */
    void putDevices(List<Device> devices);

    void deleteDevice(String id);

    List<Downlink> downlinks(String deviceId);

    /** The downlink with this id, or null. */
    Downlink downlink(String id);

    /** Downlinks still waiting to be sent, oldest first. */
    List<Downlink> queuedDownlinks();

    void putDownlink(Downlink downlink);
}
