package org.valley.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.valley.journal.JournalConfig;

/**
 * A node's configuration: typed, validated, immutable. Read from a JSON file with kebab-case keys
 * ({@code --config FILE}), then overridden by command-line options. A contradiction is refused at
 * start-up with a message naming the key.
 *
 * @param host the address to listen on ({@code host}, default 0.0.0.0)
 * @param port the HTTP port ({@code port}, default 8080)
 * @param dataDir where the journal and the store live ({@code data}, default ./data)
 * @param publicUrl the URL networks reach this node at, for integration URLs ({@code public-url},
 *     default http://localhost:PORT)
 * @param eventLoops HTTP event loops ({@code event-loops}, default: the number of cores)
 * @param ingestBodyLimit largest network callback body in bytes ({@code ingest-body-limit}, 16384)
 * @param apiBodyLimit largest API body in bytes ({@code api-body-limit}, 1048576)
 * @param commitInterval how often the projection commits to the store ({@code commit-interval}, PT0.2S)
 * @param projectionQueue uplinks held in memory for the projection ({@code projection-queue}, 65536, as
 *     many as the journal's queue holds): when full, the projection reads what it missed from the
 *     journal on disk instead, and acknowledgements do not wait for it
 * @param journal the journal's settings ({@code journal.queue-capacity}, {@code journal.max-batch},
 *     {@code journal.segment-bytes}, {@code journal.fsync}, {@code journal.gather-micros})
 * @param noopEndpoint answer {@code POST /ingest/noop} with 204, for measuring the HTTP ceiling
 *     ({@code noop-endpoint}, false)
 * @param mqttPort the MQTT port ({@code mqtt-port}, default 1883; 0 for any free port)
 * @param codecCpuTime CPU time one call of a JavaScript codec may use ({@code codec-cpu-time}, PT0.05S)
 * @param projectionLag how far, in journal bytes, the projection may fall behind the journal before the
 *     edge answers 503 ({@code projection-lag}, 268435456: about a million Sigfox callbacks)
 * @param transport how the network edge (HTTP, MQTT, outgoing clients) does its socket I/O ({@code
 *     transport}): {@code io_uring}, {@code epoll} or {@code nio}, or {@code auto} (the default) for
 *     the first of these the kernel allows
 * @param httpIdleTimeout how long an HTTP connection may stay without a byte either way before the
 *     node closes it ({@code http-idle-timeout}, PT2M; PT0S for never): a client cannot hold
 *     connections, and their file descriptors, open for ever. Server-Sent Events streams write a
 *     comment at least every third of it, so they stay open
 * @param egress where the node may connect on a tenant's behalf ({@code egress-allow}, {@code
 *     egress-deny}: lists of CIDRs, addresses or names such as {@code loopback}; see {@link EgressPolicy})
 */
public record ValleyConfig(
        String host,
        int port,
        Path dataDir,
        String publicUrl,
        int eventLoops,
        long ingestBodyLimit,
        long apiBodyLimit,
        Duration commitInterval,
        int projectionQueue,
        JournalConfig journal,
        boolean noopEndpoint,
        int mqttPort,
        Duration codecCpuTime,
        long projectionLag,
        String transport,
        Duration httpIdleTimeout,
        EgressPolicy egress) {

    private static final Set<String> KEYS = Set.of("host", "port", "data", "public-url", "event-loops",
            "ingest-body-limit", "api-body-limit", "commit-interval", "projection-queue", "journal", "noop-endpoint",
            "mqtt-port", "codec-cpu-time", "projection-lag", "transport", "http-idle-timeout", "egress-allow",
            "egress-deny");

    /** The values {@code transport} takes. */
    public static final Set<String> TRANSPORTS = Set.of("auto", "io_uring", "epoll", "nio");

    /** The CPU time one call of a JavaScript codec may use unless {@code codec-cpu-time} says otherwise. */
    public static final Duration CODEC_CPU_TIME = Duration.ofMillis(50);

    /** How far the projection may lag, in journal bytes, unless {@code projection-lag} says otherwise. */
    public static final long PROJECTION_LAG = 256L << 20;

    /** How long an HTTP connection may stay idle unless {@code http-idle-timeout} says otherwise. */
    public static final Duration HTTP_IDLE_TIMEOUT = Duration.ofMinutes(2);

    /** A configuration with the default codec CPU time. */
    public ValleyConfig(String host, int port, Path dataDir, String publicUrl, int eventLoops, long ingestBodyLimit,
            long apiBodyLimit, Duration commitInterval, int projectionQueue, JournalConfig journal,
            boolean noopEndpoint, int mqttPort) {
        this(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit, commitInterval,
                projectionQueue, journal, noopEndpoint, mqttPort, CODEC_CPU_TIME, PROJECTION_LAG);
    }

    /** A configuration whose edge picks its transport by itself. */
    public ValleyConfig(String host, int port, Path dataDir, String publicUrl, int eventLoops, long ingestBodyLimit,
            long apiBodyLimit, Duration commitInterval, int projectionQueue, JournalConfig journal,
            boolean noopEndpoint, int mqttPort, Duration codecCpuTime, long projectionLag) {
        this(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit, commitInterval,
                projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, "auto");
    }

    /** A configuration with the default HTTP idle timeout. */
    public ValleyConfig(String host, int port, Path dataDir, String publicUrl, int eventLoops, long ingestBodyLimit,
            long apiBodyLimit, Duration commitInterval, int projectionQueue, JournalConfig journal,
            boolean noopEndpoint, int mqttPort, Duration codecCpuTime, long projectionLag, String transport) {
        this(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit, commitInterval,
                projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, transport,
                HTTP_IDLE_TIMEOUT);
    }

    /** A configuration with the default egress policy. */
    public ValleyConfig(String host, int port, Path dataDir, String publicUrl, int eventLoops, long ingestBodyLimit,
            long apiBodyLimit, Duration commitInterval, int projectionQueue, JournalConfig journal,
            boolean noopEndpoint, int mqttPort, Duration codecCpuTime, long projectionLag, String transport,
            Duration httpIdleTimeout) {
        this(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit, commitInterval,
                projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, EgressPolicy.defaults());
    }

    public ValleyConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (mqttPort < 0 || mqttPort > 65535) {
            throw new IllegalArgumentException("mqtt-port must be 0..65535, got " + mqttPort);
        }
        if (mqttPort != 0 && mqttPort == port) {
            throw new IllegalArgumentException("mqtt-port and port must differ, both are " + port);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("event-loops must be at least 1, got " + eventLoops);
        }
        if (ingestBodyLimit < 1024) {
            throw new IllegalArgumentException("ingest-body-limit must be at least 1024 bytes, got " + ingestBodyLimit);
        }
        if (apiBodyLimit < 1024) {
            throw new IllegalArgumentException("api-body-limit must be at least 1024 bytes, got " + apiBodyLimit);
        }
        if (commitInterval.isNegative() || commitInterval.isZero() || commitInterval.toSeconds() > 60) {
            throw new IllegalArgumentException("commit-interval must be between PT0.001S and PT60S, got " + commitInterval);
        }
        if (codecCpuTime == null || codecCpuTime.toMillis() < 1 || codecCpuTime.toSeconds() > 10) {
            throw new IllegalArgumentException("codec-cpu-time must be between PT0.001S and PT10S, got " + codecCpuTime);
        }
        if (projectionQueue < 1) {
            throw new IllegalArgumentException("projection-queue must be at least 1, got " + projectionQueue);
        }
        if (projectionLag < 4096) {
            throw new IllegalArgumentException("projection-lag must be at least 4096 bytes, got " + projectionLag);
        }
        if (!TRANSPORTS.contains(transport)) {
            throw new IllegalArgumentException("transport must be one of auto, io_uring, epoll or nio, got '"
                    + transport + "'");
        }
        if (httpIdleTimeout == null || httpIdleTimeout.isNegative()
                || (!httpIdleTimeout.isZero() && (httpIdleTimeout.toMillis() < 1000 || httpIdleTimeout.compareTo(Duration.ofHours(24)) > 0))) {
            throw new IllegalArgumentException("http-idle-timeout must be PT0S (never) or between PT1S and PT24H, got "
                    + httpIdleTimeout);
        }
        if (egress == null) {
            throw new IllegalArgumentException("egress-allow and egress-deny must be lists");
        }
    }

    public static ValleyConfig defaults() {
        return new ValleyConfig("0.0.0.0", 8080, Path.of("data"), null, Runtime.getRuntime().availableProcessors(),
                16 * 1024, 1024 * 1024, Duration.ofMillis(200), 65_536, JournalConfig.defaults(), false, 1883);
    }

    /** The URL networks reach this node at. */
    public String baseUrl(int boundPort) {
        return publicUrl != null ? publicUrl.replaceAll("/+$", "") : "http://localhost:" + boundPort;
    }

    public ValleyConfig withPort(int value) {
        return new ValleyConfig(host, value, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit,
                commitInterval, projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, egress);
    }

    public ValleyConfig withDataDir(Path value) {
        return new ValleyConfig(host, port, value, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit,
                commitInterval, projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, egress);
    }

    public ValleyConfig withNoopEndpoint(boolean value) {
        return new ValleyConfig(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit,
                commitInterval, projectionQueue, journal, value, mqttPort, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, egress);
    }

    public ValleyConfig withMqttPort(int value) {
        return new ValleyConfig(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit,
                commitInterval, projectionQueue, journal, noopEndpoint, value, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, egress);
    }

    public ValleyConfig withEgress(EgressPolicy value) {
        return new ValleyConfig(host, port, dataDir, publicUrl, eventLoops, ingestBodyLimit, apiBodyLimit,
                commitInterval, projectionQueue, journal, noopEndpoint, mqttPort, codecCpuTime, projectionLag, transport,
                httpIdleTimeout, value);
    }

    /** Reads a JSON configuration file over the defaults; unknown keys are refused by name. */
    public static ValleyConfig load(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " must hold a JSON object");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key '" + key + "'; known keys are " + KEYS);
            }
        }
        ValleyConfig d = defaults();
        JournalConfig j = d.journal();
        JsonNode jn = root.path("journal");
        if (!jn.isMissingNode()) {
            j = new JournalConfig(
                    jn.path("queue-capacity").asInt(j.queueCapacity()),
                    jn.path("max-batch").asInt(j.maxBatch()),
                    jn.path("segment-bytes").asLong(j.segmentBytes()),
                    jn.path("fsync").asBoolean(j.fsync()),
                    jn.path("gather-micros").asLong(j.gatherMicros()));
        }
        return new ValleyConfig(
                root.path("host").asText(d.host()),
                root.path("port").asInt(d.port()),
                root.has("data") ? Path.of(root.get("data").asText()) : d.dataDir(),
                root.has("public-url") ? root.get("public-url").asText() : null,
                root.path("event-loops").asInt(d.eventLoops()),
                root.path("ingest-body-limit").asLong(d.ingestBodyLimit()),
                root.path("api-body-limit").asLong(d.apiBodyLimit()),
                duration(root, "commit-interval", d.commitInterval()),
                root.path("projection-queue").asInt(d.projectionQueue()),
                j,
                root.path("noop-endpoint").asBoolean(d.noopEndpoint()),
                root.path("mqtt-port").asInt(d.mqttPort()),
                duration(root, "codec-cpu-time", d.codecCpuTime()),
                root.path("projection-lag").asLong(d.projectionLag()),
                root.path("transport").asText(d.transport()),
                duration(root, "http-idle-timeout", d.httpIdleTimeout()),
                EgressPolicy.of(strings(root, "egress-allow", d.egress().allowed()),
                        strings(root, "egress-deny", d.egress().denied())));
    }

    private static List<String> strings(JsonNode root, String key, List<String> fallback) {
        if (!root.has(key)) {
            return fallback;
        }
        JsonNode list = root.get(key);
        if (!list.isArray()) {
            throw new IllegalArgumentException(key + " must be a list such as [\"loopback\", \"10.0.0.0/8\"], got "
                    + list);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode entry : list) {
            if (!entry.isTextual()) {
                throw new IllegalArgumentException(key + " entries must be text, got " + entry);
            }
            out.add(entry.asText());
        }
        return out;
    }

    private static Duration duration(JsonNode root, String key, Duration fallback) {
        if (!root.has(key)) {
            return fallback;
        }
        try {
            return Duration.parse(root.get(key).asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT0.2S, got '"
                    + root.get(key).asText() + "'");
        }
    }
}
