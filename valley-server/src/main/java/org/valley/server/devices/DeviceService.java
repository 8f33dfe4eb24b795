package org.valley.server.devices;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.valley.codec.CodecDefinition;
import org.valley.codec.EncodeResult;
import org.valley.device.Device;
import org.valley.device.DeviceDirectory;
import org.valley.device.NetworkRef;
import org.valley.frame.FrameTrack;
import org.valley.frame.Hex;
import org.valley.projection.Projection;
import org.valley.server.auth.Principal;
import org.valley.server.auth.Tenancy;
import org.valley.server.codecs.CodecService;
import org.valley.server.http.Fields;
import org.valley.server.http.Problem;
import org.valley.store.Catalog.Downlink;
import org.valley.store.Catalog;
import org.valley.store.FrameQueries;

/**
 * Devices: registration (which claims the frames already received from the device's network id),
 * health, history queries and downlinks.
 */
public final class DeviceService {

    private static final Set<String> ROLES = Set.of("motion", "door", "desk", "seat", "counter", "co2", "temperature", "other");
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    /** A device with what the projection knows of its health. */
    /**
     * A device with its health; {@code rssi} and {@code snr} are the link quality of its newest frame's
     * best reception (null when unknown).
     */
    public record DeviceHealth(Device device, long lastSeen, Float battery, int frames, int duplicates, int lostFrames,
            Float rssi, Float snr) {}

    private final Catalog catalog;
    private final DeviceDirectory directory;
    private final Tenancy tenancy;
    private final CodecService codecs;
    private final Projection projection;
    private final FrameQueries queries;
    private final LongSupplier lastDurable;
    private final InstantSource clock;
    private final Redecodes redecodes;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Deque<Downlink>> queued = new ConcurrentHashMap<>();
    private volatile java.util.function.BiConsumer<Device, Downlink> onQueued = (device, downlink) -> {};
    private volatile Bindings bindings = Bindings.NONE;

    /** What binds devices to spaces: checks a device's binding, and hears of every change of a device. */
    public interface Bindings {
        Bindings NONE = new Bindings() {
            @Override
            public void check(Device device) {}

            @Override
            public void changed(Device before, Device after) {}
        };

        /**
         * Checks the binding ({@code space}, {@code role}) of a device about to be registered or changed.
         *
         * @throws Problem naming the field when it may not be bound so
         */
        void check(Device device);

        /** A device was registered ({@code before} null), changed, or deleted ({@code after} null). */
        void changed(Device before, Device after);
    }

    public DeviceService(Catalog catalog, DeviceDirectory directory, Tenancy tenancy, CodecService codecs,
            Projection projection, FrameQueries queries, LongSupplier lastDurable, InstantSource clock) {
        this.catalog = catalog;
        this.directory = directory;
        this.tenancy = tenancy;
        this.codecs = codecs;
        this.projection = projection;
        this.queries = queries;
        this.lastDurable = lastDurable;
        this.clock = clock;
        this.redecodes = new Redecodes(projection, clock);
        for (Downlink d : catalog.queuedDownlinks()) {
            queued.computeIfAbsent(d.deviceId(), k -> new ArrayDeque<>()).add(d);
        }
    }

    /** Registers a device and claims its unclaimed frames; 409 when the id or network id is taken. */
    public Device create(Principal who, JsonNode body) {
        String id = Fields.id(body, "id");
        String tenant = tenancy.actingTenant(who, Fields.optionalString(body, "tenant"));
        Device device = read(id, tenant, body);
        bindings.check(device);
        synchronized (this) {
            if (directory.byId(id) != null) {
                throw Problem.conflict("id", "device '" + id + "' already exists");
            }
            requireFreeNetworkId(device, null);
            catalog.putDevice(device);
            directory.put(device);
        }
        awaitQuietly(projection.claim(device));
        bindings.changed(null, device);
        return device;
    }

    /** The most devices one request may register. */
    public static final int MAX_BATCH = 10_000;

    /**
     * Registers many devices at once, all or none: each element is checked as {@link #create} checks
     * one (a refusal names the element, as in {@code [3].network.id}), then they are stored in one
     * transaction, and each claims the frames already received from its network id.
     */
    public List<Device> createAll(Principal who, JsonNode array) {
        if (array.isEmpty() || array.size() > MAX_BATCH) {
            throw Problem.invalid("[]", "the array must hold 1 to " + MAX_BATCH + " devices, got " + array.size());
        }
        List<Device> devices = new ArrayList<>(array.size());
        Set<String> ids = new HashSet<>();
        Set<String> networkIds = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode body = array.get(i);
            try {
                if (!body.isObject()) {
                    throw Problem.invalid("", "each element must be a device object");
                }
                String id = Fields.id(body, "id");
                Device device = read(id, tenancy.actingTenant(who, Fields.optionalString(body, "tenant")), body);
                bindings.check(device);
                if (!ids.add(id)) {
                    throw Problem.conflict("id", "device '" + id + "' appears more than once in the array");
                }
                if (!networkIds.add(device.network().id())) {
                    throw Problem.conflict("network.id", device.network().kind() + " id " + device.network().id()
                            + " appears more than once in the array");
                }
                devices.add(device);
            } catch (Problem p) {
                throw p.at("[" + i + "]");
            }
        }
        synchronized (this) {
            for (int i = 0; i < devices.size(); i++) {
                Device device = devices.get(i);
                try {
                    if (directory.byId(device.id()) != null) {
                        throw Problem.conflict("id", "device '" + device.id() + "' already exists");
                    }
                    requireFreeNetworkId(device, null);
                } catch (Problem p) {
                    throw p.at("[" + i + "]");
                }
            }
            catalog.putDevices(devices);
            devices.forEach(directory::put);
        }
        awaitQuietly(CompletableFuture.allOf(devices.stream().map(projection::claim).toArray(CompletableFuture[]::new)));
        devices.forEach(d -> bindings.changed(null, d));
        return devices;
    }

    /** Changes a device's name, codec or binding; the network identity stays. */
    public Device update(Principal who, String id, JsonNode body) {
        Device previous = owned(who, id);
        Device read = read(id, previous.tenant(), body);
        Device device = new Device(id, read.name(), previous.tenant(), read.network(), read.codec(), read.space(),
                read.role(), read.roleKey(), previous.createdAt());
        bindings.check(device);
        synchronized (this) {
            requireFreeNetworkId(device, previous);
            catalog.putDevice(device);
            // in order with the frames being projected, so frames acknowledged before the change are
            // decoded as they were acknowledged; at once if the projection is too far behind to wait for
            try {
                projection.submit(() -> directory.put(device)).get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                directory.put(device);
            } catch (ExecutionException | TimeoutException e) {
                directory.put(device);
            }
        }
        bindings.changed(previous, device);
        return device;
    }

    public void delete(Principal who, String id) {
        Device previous = owned(who, id);
        synchronized (this) {
            catalog.deleteDevice(id);
            directory.remove(id);
        }
        bindings.changed(previous, null);
    }

    private void requireFreeNetworkId(Device device, Device previous) {
        Device holder = directory.byNetworkId(device.network().id());
        if (holder != null && (previous == null || !holder.id().equals(previous.id()))) {
            throw Problem.conflict("network.id", device.network().kind() + " id " + device.network().id()
                    + " is already registered (device '" + holder.id() + "')");
        }
    }

    private Device read(String id, String tenant, JsonNode body) {
        JsonNode network = body.get("network");
        if (network == null || !network.isObject()) {
            throw Problem.invalid("network", "field 'network' is required: {\"kind\": \"sigfox\", \"id\": \"<Sigfox id>\"}");
        }
        String kind = Fields.string(network, "kind");
        if (!NetworkRef.KINDS.contains(kind)) {
            throw Problem.invalid("network.kind", "field 'network.kind' must be one of " + NetworkRef.KINDS + ", got '" + kind + "'");
        }
        String networkId = network.get("id") == null ? null : network.get("id").asText(null);
        if (networkId == null || networkId.isBlank()) {
            throw Problem.invalid("network.id", "field 'network.id' is required");
        }
        if (kind.equals("sigfox") && (networkId.length() > 8 || !Hex.isHex(networkId))) {
            throw Problem.invalid("network.id", "field 'network.id' must be a Sigfox id of 1 to 8 hex digits, got '" + networkId + "'");
        }
        if (kind.equals("lorawan") && (networkId.length() != 16 || !Hex.isHex(networkId))) {
            throw Problem.invalid("network.id", "field 'network.id' must be a devEUI of 16 hex digits, got '" + networkId + "'");
        }
        String codec = Fields.optionalString(body, "codec");
        if (codec != null && !codecs.usableBy(codec, tenant)) {
            throw Problem.invalid("codec", "field 'codec' names no codec this tenant may use: '" + codec + "'");
        }
        String role = Fields.optionalString(body, "role");
        if (role != null && !ROLES.contains(role)) {
            throw Problem.invalid("role", "field 'role' must be one of " + ROLES + ", got '" + role + "'");
        }
        String name = Fields.optionalString(body, "name");
        return new Device(id, name == null ? id : name, tenant, new NetworkRef(kind, networkId), codec,
                Fields.optionalString(body, "space"), role, Fields.optionalString(body, "roleKey"), clock.instant());
    }

    /** A device the principal may see, or 404. */
    public Device visible(Principal who, String id) {
        Device d = directory.byId(id);
        if (d == null || !(who.isOperator() || d.tenant().equals(who.tenant()))) {
            throw Problem.notFound("no device '" + id + "'");
        }
        return d;
    }

    private Device owned(Principal who, String id) {
        Device d = visible(who, id);
        if (!who.owns(d.tenant())) {
            throw Problem.forbidden("only the operator or its tenant may change device '" + id + "'");
        }
        return d;
    }

    /** A device with its health once every frame acknowledged so far is projected (a read sees what was written). */
    public DeviceHealth healthOf(Principal who, String id) {
        Device d = visible(who, id);
        catchUp();
        return health(d);
    }

    /** The devices {@code who} sees, with their health, once every frame acknowledged so far is projected. */
    public List<DeviceHealth> healthOfAll(Principal who) {
        catchUp();
        return list(who).stream().map(this::health).toList();
    }

    public DeviceHealth health(Device d) {
        FrameTrack t = projection.track(d.tenant(), d.network().id());
        if (t == null) {
            return new DeviceHealth(d, 0, null, 0, 0, 0, null, null);
        }
        float battery = t.battery();
        return new DeviceHealth(d, t.lastSeen(), Float.isNaN(battery) ? null : battery, t.frames(), t.duplicates(), t.lost(),
                orNull(t.rssi()), orNull(t.snr()));
    }

    private static Float orNull(float value) {
        return Float.isNaN(value) ? null : value;
    }

    public List<Device> list(Principal who) {
        return directory.all().stream()
                .filter(d -> who.isOperator() || d.tenant().equals(who.tenant()))
                .sorted(Comparator.comparing(Device::id))
                .toList();
    }

    /** Waits until every frame acknowledged so far is projected, so a read sees what was written. */
    private void catchUp() {
        catchUp(projection, lastDurable);
    }

    /**
     * Waits until {@code projection} has applied every frame the journal acknowledged so far
     * ({@code lastDurable}); a 503 with Retry-After when it is too far behind to wait for.
     */
    public static void catchUp(Projection projection, LongSupplier lastDurable) {
        try {
            projection.awaitApplied(lastDurable.getAsLong()).get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Problem.overloaded("interrupted while waiting for the projection", 1);
        } catch (ExecutionException | TimeoutException e) {
            throw Problem.overloaded("the projection is behind the journal; retry shortly", 1);
        }
    }

    private static void awaitQuietly(java.util.concurrent.CompletableFuture<?> f) {
        try {
            f.get(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.getLogger(DeviceService.class.getName()).log(System.Logger.Level.WARNING,
                    "claiming frames did not finish in time; they are claimed in the background", e);
        }
    }

    public List<FrameQueries.FrameView> frames(Principal who, String id, Long from, Long to, int limit) {
        Device d = visible(who, id);
        catchUp();
        return queries.frames(d.tenant(), d.network().id(), from, to, limit);
    }

    public List<FrameQueries.ReadingView> readings(Principal who, String id, String key, Long from, Long to, int limit) {
        Device d = visible(who, id);
        catchUp();
        return queries.readings(d.id(), key, from, to, limit);
    }

    public List<FrameQueries.Bucket> aggregate(Principal who, String id, String key, Duration interval, Long from, Long to) {
        Device d = visible(who, id);
        if (key == null || key.isBlank()) {
            throw Problem.invalid("key", "parameter 'key' is required: the reading key to aggregate");
        }
        catchUp();
        return queries.aggregate(d.id(), key, interval.toMillis(), from, to);
    }

    public List<FrameQueries.FrameView> unclaimed(Principal who, int limit) {
        catchUp();
        return queries.unclaimed(who.isOperator() ? null : who.tenant(), limit);
    }

    /**
     * Starts decoding the device's stored frames in [{@code from}, {@code to}) again with its codec's
     * current version; waits up to {@code wait} for it to finish.
     */
    public Redecodes.Job redecode(Principal who, String id, Long from, Long to, Duration wait) {
        Device d = owned(who, id);
        if (d.codec() == null) {
            throw Problem.invalid("codec", "device '" + id + "' has no codec to decode its frames with");
        }
        if (from != null && to != null && from >= to) {
            throw Problem.invalid("to", "parameter 'to' must be after 'from'");
        }
        CodecDefinition codec = codecs.visible(who, d.codec());
        Redecodes.Job job = redecodes.start(d, from, to, codec.id(), codec.version());
        job.await(wait);
        return job;
    }

    /** A re-decode job of a device the principal may see, or 404. */
    public Redecodes.Job redecodeJob(Principal who, String jobId) {
        Redecodes.Job job = redecodes.get(jobId);
        if (job == null) {
            throw Problem.notFound("no re-decode job '" + jobId + "'");
        }
        visible(who, job.device().id());
        return job;
    }

    /**
     * Tells {@code listener} of every downlink queued from now on (on the caller's thread, after it
     * is stored): a network that takes downlinks at any time gets it at once.
     */
    public void bindings(Bindings value) {
        this.bindings = value;
    }

    public void onQueued(java.util.function.BiConsumer<Device, Downlink> listener) {
        this.onQueued = listener;
    }

    /**
     * Queues a downlink: {@code payloadHex} as is, or {@code data} encoded by the device codec's
     * {@code encodeDownlink} (which may choose the port); exactly 8 bytes for a Sigfox device.
     */
    public Downlink queueDownlink(Principal who, String id, JsonNode body) {
        Device d = owned(who, id);
        Integer encodedPort = null;
        byte[] payload;
        if (body.hasNonNull("data") && !body.hasNonNull("payloadHex")) {
            if (!body.get("data").isObject()) {
                throw Problem.invalid("data", "field 'data' must be an object of values for the codec's encodeDownlink");
            }
            Map<String, Object> data = JSON.convertValue(body.get("data"), new TypeReference<LinkedHashMap<String, Object>>() {});
            switch (codecs.encode(d.codec(), data)) {
                case EncodeResult.Encoded e -> {
                    payload = e.bytes();
                    encodedPort = e.fPort() >= 0 ? e.fPort() : null;
                }
                case EncodeResult.Rejected r -> throw Problem.invalid("data", "field 'data' cannot be encoded by codec '"
                        + d.codec() + "': " + String.join("; ", r.errors()));
            }
        } else {
            payload = Fields.hex(body, "payloadHex");
        }
        if (d.network().kind().equals("sigfox") && payload.length != 8) {
            throw Problem.invalid("payloadHex", "field 'payloadHex' must be exactly 8 bytes (16 hex digits) for a "
                    + "Sigfox device, got " + payload.length + " bytes");
        }
        if (payload.length > 242) {
            throw Problem.invalid("payloadHex", "field 'payloadHex' must be at most 242 bytes");
        }
        Integer fPort = Fields.optionalInt(body, "fPort", 1, 223);
        if (fPort == null) {
            fPort = encodedPort;
        }
        Downlink downlink = new Downlink("dl-" + java.util.UUID.randomUUID(), d.id(), Hex.encode(payload), fPort,
                "queued", clock.instant(), null);
        catalog.putDownlink(downlink);
        Deque<Downlink> q = queued.computeIfAbsent(d.id(), k -> new ArrayDeque<>());
        synchronized (q) {
            q.add(downlink);
        }
        onQueued.accept(d, downlink);
        return downlink;
    }

    /** Puts back at the head of its device's queue a downlink taken but not delivered (the network was unreachable). */
    public void requeue(Downlink downlink) {
        Deque<Downlink> q = queued.computeIfAbsent(downlink.deviceId(), k -> new ArrayDeque<>());
        synchronized (q) {
            q.addFirst(downlink);
        }
    }

    public List<Downlink> downlinks(Principal who, String id) {
        return catalog.downlinks(visible(who, id).id());
    }

    /**
     * Takes the oldest queued downlink of the device registered for {@code networkId} in
     * {@code tenant}, or null. The caller sends it and then calls {@link #markSent}.
     */
    public Downlink takeDownlink(String tenant, String networkId) {
        Device d = directory.byNetworkId(networkId);
        if (d == null || !d.tenant().equals(tenant)) {
            return null;
        }
        Deque<Downlink> q = queued.get(d.id());
        if (q == null) {
            return null;
        }
        synchronized (q) {
            return q.poll();
        }
    }

    /**
     * The order of a downlink's statuses: a network's reports may arrive out of order (an
     * acknowledgement before the transmission report), and a status never goes back. A device may
     * acknowledge a confirmed downlink the network retries after a nack; acknowledged and failed
     * are final.
     */
    private static final Map<String, Integer> DOWNLINK_PROGRESS = Map.of("queued", 0, "sent", 1, "transmitted", 2,
            "nacked", 3, "acknowledged", 4, "failed", 4);

    /**
     * Records what the network reports of a downlink (blocking: call off the event loop). Unknown
     * ids and reports older than the current status are ignored; returns whether it changed.
     */
    public boolean downlinkStatus(String downlinkId, String status) {
        synchronized (this) {
            Downlink d = catalog.downlink(downlinkId);
            if (d == null || DOWNLINK_PROGRESS.getOrDefault(status, -1) <= DOWNLINK_PROGRESS.getOrDefault(d.status(), -1)) {
                return false;
            }
            catalog.putDownlink(new Downlink(d.id(), d.deviceId(), d.payloadHex(), d.fPort(), status, d.createdAt(),
                    d.sentAt()));
            return true;
        }
    }

    /** Records that a downlink was handed to the network (blocking: call off the event loop). */
    public void markSent(Downlink d) {
        catalog.putDownlink(new Downlink(d.id(), d.deviceId(), d.payloadHex(), d.fPort(), "sent", d.createdAt(),
                clock.instant()));
    }
}
