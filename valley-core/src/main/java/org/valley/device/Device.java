package org.valley.device;

import java.time.Instant;

/**
 * A registered device.
 *
 * @param id the device's id in Valley, chosen by its owner
 * @param name a human-readable name
 * @param tenant the owning tenant
 * @param network the network the device reports on and its id there
 * @param codec the codec id that decodes its frames, or null
 * @param space the space or place the device is bound to, or null
 * @param role what the device measures in its space, or null
 * @param roleKey the reading key the role reads, or null for the role's default
 * @param createdAt when it was registered
 */
public record Device(
        String id,
        String name,
        String tenant,
        NetworkRef network,
        String codec,
        String space,
        String role,
        String roleKey,
        Instant createdAt) {}
