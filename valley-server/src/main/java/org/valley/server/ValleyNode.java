package org.valley.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.transport.Transport;
import io.vertx.mqtt.MqttServer;
import io.vertx.mqtt.MqttServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.valley.codec.CodecCatalog;
import org.valley.device.DeviceDirectory;
import org.valley.journal.Journal;
import org.valley.js.JsLimits;
import org.valley.js.JsRuntime;
import org.valley.projection.Projection;
import org.valley.server.auth.Keys;
import org.valley.server.auth.Tenancy;
import org.valley.server.codecs.CodecService;
import org.valley.server.config.ValleyConfig;
import org.valley.server.devices.DeviceService;
import org.valley.server.http.HttpApi;
import org.valley.server.ingest.Ingestion;
import org.valley.server.ingest.http.HttpIngest;
import org.valley.server.ingest.lorawan.LorawanIngest;
import org.valley.server.ingest.sigfox.SigfoxIngest;
import org.valley.server.ingest.lorawan.LorawanDownlinks;
import org.valley.server.mqtt.MqttBridges;
import org.valley.server.mqtt.MqttService;
import org.valley.server.spaces.SpaceEvents;
import org.valley.server.spaces.Spaces;
import org.valley.store.ProjectionStore;
import org.valley.store.embedded.EmbeddedStore;

/**
 * One running Valley node, wired by hand: journal → projection → store, and the HTTP surface in
 * front. {@link #start} recovers first (the store drops an unfinished batch, the projection replays
 * the journal from where it stopped) and only then opens the port, so nothing is served from a
 * half-recovered state.
 */
public final class ValleyNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ValleyNode.class);

    private final ValleyConfig config;
    private final String adminKey;
    private final boolean adminKeyGenerated;
    private final EmbeddedStore store;
    private final Journal journal;
    private final Projection projection;
    private final Vertx vertx;
    private final PrometheusMeterRegistry metrics;
    private final int port;
    private final int mqttPort;
    private final MqttBridges bridges;
    private final java.util.concurrent.ScheduledExecutorService housekeeping;
    private final JsRuntime js;
    private final Spaces spaces;

    private ValleyNode(ValleyConfig config, String adminKey, boolean generated, EmbeddedStore store, Journal journal,
            Projection projection, Vertx vertx, PrometheusMeterRegistry metrics, int port, int mqttPort,
            MqttBridges bridges, java.util.concurrent.ScheduledExecutorService housekeeping, JsRuntime js, Spaces spaces) {
        this.js = js;
        this.spaces = spaces;
        this.config = config;
        this.adminKey = adminKey;
        this.adminKeyGenerated = generated;
        this.store = store;
        this.journal = journal;
        this.projection = projection;
        this.vertx = vertx;
        this.metrics = metrics;
        this.port = port;
        this.mqttPort = mqttPort;
        this.bridges = bridges;
        this.housekeeping = housekeeping;
    }

    /** Starts a node on the system clock: recovers, replays the journal, then listens. */
    public static ValleyNode start(ValleyConfig config) throws IOException {
        return start(config, InstantSource.system());
    }

    /** Starts a node whose time rules run on {@code clock}: recovers, replays the journal, then listens. */
    public static ValleyNode start(ValleyConfig config, InstantSource clock) throws IOException {
        Transport transport = EdgeTransport.choose(config.transport());
        Path data = config.dataDir();
        Files.createDirectories(data);
        String[] key = adminKey(data);
        boolean generated = key[1] != null;

        EmbeddedStore store = EmbeddedStore.open(data.resolve("store"));
        DeviceDirectory directory = new DeviceDirectory();
        store.catalog().devices().forEach(directory::put);
        JsRuntime js = new JsRuntime(JsLimits.DEFAULTS.withCpuTime(config.codecCpuTime()));
        if (js.mode().equals("optimizing")) {
            LOG.info("JavaScript codecs: GraalJS {} with the Graal compiler (optimizing)", js.version());
        } else {
            LOG.info("JavaScript codecs: GraalJS {} interpreted; start through ./valley (or with -XX:+EnableJVMCI and "
                    + "the Graal compiler on --upgrade-module-path) for compiled codecs", js.version());
        }
        CodecCatalog codecCatalog = new CodecCatalog(Map.of(JsRuntime.KIND, js));
        Tenancy tenancy = new Tenancy(store.catalog(), clock, key[0]);
        CodecService codecs = new CodecService(store.catalog(), codecCatalog, tenancy, clock);

        Projection projection = new Projection(store.projection(), directory, codecCatalog, clock,
                config.projectionQueue(), config.commitInterval().toMillis());
        codecs.orderWith(projection::submit);
        AtomicLong lastDurable = new AtomicLong(-1);
        Journal journal = Journal.open(data.resolve("journal"), config.journal(), batch -> {
            List<Projection.Entry> entries = new ArrayList<>(batch.size());
            for (org.valley.journal.Entry e : batch) {
                entries.add(new Projection.Entry(e.position(), e.uplink()));
            }
            projection.accept(entries);
            lastDurable.set(batch.get(batch.size() - 1).position());
        });
        long applied = projection.appliedPosition();
        long from = Math.max(applied, journal.startPosition());
        if (applied >= 0 && applied < journal.startPosition()) {
            LOG.error("the store has applied the journal up to {} but the journal starts at {}; frames in between "
                    + "are not in the store", applied, journal.startPosition());
        }
        AtomicInteger replayed = new AtomicInteger();
        journal.replay(from, (position, uplink) -> {
            if (position > applied) {
                projection.replay(position, uplink);
                replayed.incrementAndGet();
            }
            lastDurable.set(position);
        });
        projection.replayDone();
        projection.catchUpFrom(journal::replay);
        projection.start();
        LOG.info("recovered: {} journal entries replayed, {} devices, journal at {}", replayed.get(), directory.size(),
                journal.endPosition());

        LOG.info("edge transport: {}", EdgeTransport.name(transport));
        Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(config.eventLoops()))
                .withTransport(transport).build();
        AtomicLong clientViolations = new AtomicLong();
        vertx.exceptionHandler(e -> {
            if (MqttService.isClientViolation(e)) {
                // Vert.x's MQTT server throws when a client sends a packet before its CONNECT, and closes
                // the connection: the client's fault, not worth an error with its stack per connection
                clientViolations.incrementAndGet();
                LOG.debug("an MQTT client broke the protocol: {}", e.getMessage());
            } else {
                LOG.error("unhandled exception on an event loop", e);
            }
        });
        DeviceService devices = new DeviceService(store.catalog(), directory, tenancy, codecs, projection,
                store.queries(), lastDurable::get, clock);
        Ingestion ingestion = new Ingestion(journal, vertx, projection::appliedPosition, config.projectionLag());
        SigfoxIngest sigfox = new SigfoxIngest(ingestion, devices, clock, vertx);
        HttpIngest http = new HttpIngest(ingestion, directory, clock);
        MqttService mqtt = new MqttService(tenancy, directory, ingestion, clock);
        projection.addListener(mqtt::decoded);
        SpaceEvents spaceEvents = new SpaceEvents(mqtt, SpaceEvents.heartbeat(config.httpIdleTimeout()));
        Spaces spaces = new Spaces(store.spaces(), directory, projection, lastDurable::get, tenancy, clock, spaceEvents);
        spaces.start();
        projection.addFrameListener(spaces::decoded);
        devices.bindings(spaces);
        // LoRaWAN downlinks to ChirpStack go out through the tenant's bridge, and bridges hand what they
        // receive to the downlinks: the one cycle of the wiring, closed by a holder.
        MqttBridges[] bridge = new MqttBridges[1];
        LorawanDownlinks downlinks = new LorawanDownlinks(vertx, devices, directory,
                (tenant, format, topic, payload) -> bridge[0].publish(tenant, format, topic, payload), config.egress());
        devices.onQueued(downlinks::queued);
        LorawanIngest lorawan = new LorawanIngest(ingestion, clock, downlinks::delivered);
        MqttBridges bridges = new MqttBridges(vertx, ingestion, directory, clock, downlinks::delivered, 500, 60_000,
                config.egress());
        bridge[0] = bridges;
        tenancy.hooks(bridges);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("valley_journal_queue_depth", journal, j -> j.stats().queueDepth()).register(metrics);
        Gauge.builder("valley_journal_appended", journal, j -> j.stats().appended()).register(metrics);
        Gauge.builder("valley_journal_fsyncs", journal, j -> j.stats().fsyncs())
                .description("forces of the journal to disk, each acknowledging every record written before it").register(metrics);
        Gauge.builder("valley_projection_queue_depth", projection, Projection::queueDepth).register(metrics);
        Gauge.builder("valley_projection_lag_bytes", ingestion, Ingestion::lag).register(metrics);
        Gauge.builder("valley_projection_catch_ups", projection, Projection::catchUps).register(metrics);
        Gauge.builder("valley_projection_store_failures", projection, Projection::storeFailures)
                .description("failed writes or commits of the store, each followed by a reopen and a re-apply from the journal")
                .register(metrics);
        Gauge.builder("valley_projection_commits", projection, Projection::commits)
                .description("the projection's transactions of the store").register(metrics);
        Gauge.builder("valley_frames_projected", projection, Projection::framesProjected).register(metrics);
        Gauge.builder("valley_decode_errors", projection, Projection::decodeErrors).register(metrics);
        Gauge.builder("valley_readings_stored", projection, Projection::readingsStored)
                .description("readings committed to the store since start: each value of a decoded frame or sent as JSON")
                .register(metrics);
        Gauge.builder("valley_devices", directory, DeviceDirectory::size).register(metrics);
        Gauge.builder("valley_edge_transport", () -> 1).tag("transport", EdgeTransport.name(transport))
                .description("the socket I/O of HTTP and MQTT").register(metrics);
        Gauge.builder("valley_store_rows_written", store.projection(), ProjectionStore::rowsWritten).register(metrics);
        Gauge.builder("valley_mqtt_readings_published", mqtt, MqttService::readingsPublished).register(metrics);
        Gauge.builder("valley_mqtt_readings_dropped", mqtt, MqttService::readingsDropped).register(metrics);
        Gauge.builder("valley_mqtt_protocol_violations", clientViolations, AtomicLong::get)
                .description("MQTT connections closed because the client sent a packet before CONNECT").register(metrics);
        Gauge.builder("valley_space_events_sent", spaceEvents, SpaceEvents::sent).register(metrics);
        Gauge.builder("valley_space_events_dropped", spaceEvents, SpaceEvents::dropped).register(metrics);
        Gauge.builder("valley_space_streams", spaceEvents, SpaceEvents::streams).register(metrics);
        Gauge.builder("valley_mqtt_bridges_connected", bridges, MqttBridges::connected).register(metrics);
        Gauge.builder("valley_mqtt_bridge_messages", bridges, MqttBridges::received).register(metrics);
        Gauge.builder("valley_mqtt_bridge_rejected", bridges, MqttBridges::rejected).register(metrics);

        int[] bound = new int[2];
        HttpApi.Health health = new HttpApi.Health() {
            @Override
            public boolean ready() {
                return ingestion.lag() <= config.projectionLag();
            }

            @Override
            public String metrics() {
                return metrics.scrape();
            }
        };
        ValleyConfig c = config;
        Future<String> deployed = vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                HttpApi.Parts parts = new HttpApi.Parts(tenancy, codecs, devices, sigfox, lorawan, http, spaces,
                        spaceEvents, health,
                        c.publicUrl(), c.ingestBodyLimit(), c.apiBodyLimit(),
                        c.noopEndpoint(), bridges::state);
                HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost(c.host()).setPort(c.port()).setTcpNoDelay(true).setCompressionSupported(false)
                        // no WebSocket endpoint: without these, every connection's pipeline carries a
                        // WebSocket extension handler that each request passes through
                        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
                        .setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024)
                        .setIdleTimeout((int) c.httpIdleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
                Future<HttpServer> web = server.requestHandler(HttpApi.router(vertx, parts)).listen().map(s -> {
                    synchronized (bound) {
                        if (bound[0] == 0) {
                            bound[0] = s.actualPort();
                        }
                    }
                    return s;
                });
                Future<MqttServer> broker = MqttServer.create(vertx, new MqttServerOptions().setHost(c.host())
                                .setPort(c.mqttPort()).setMaxMessageSize(c.ingestBodyLimit() > Integer.MAX_VALUE
                                        ? Integer.MAX_VALUE : (int) c.ingestBodyLimit() + 1024))
                        .endpointHandler(mqtt::connect).listen().map(s -> {
                            synchronized (bound) {
                                if (bound[1] == 0) {
                                    bound[1] = s.actualPort();
                                }
                            }
                            return s;
                        });
                return Future.all(web, broker);
            }
        }, new DeploymentOptions().setInstances(config.eventLoops()));
        try {
            deployed.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            spaces.close();
            journal.close();
            projection.close();
            store.close();
            js.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (HTTP) and :"
                    + config.mqttPort() + " (MQTT, setting mqtt-port): " + e.getMessage(), e);
        }
        bridges.startAll(tenancy.allIntegrations());
        var housekeeping = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("valley-housekeeping").daemon(true).factory());
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                journal.releaseBefore(projection.appliedPosition());
            } catch (IOException | RuntimeException e) {
                LOG.warn("releasing journal segments failed; they stay on disk until the next try", e);
            }
        }, 10, 10, TimeUnit.SECONDS);
        return new ValleyNode(config, key[0], generated, store, journal, projection, vertx, metrics, bound[0], bound[1],
                bridges, housekeeping, js, spaces);
    }

    /**
     * The operator's key: {@code VALLEY_ADMIN_KEY}, else the one kept in {@code DATA/admin.key}, else
     * a new one written there. Returns {key, non-null when newly generated}.
     */
    private static String[] adminKey(Path data) throws IOException {
        String env = System.getenv("VALLEY_ADMIN_KEY");
        if (env != null && !env.isBlank()) {
            return new String[] {env.trim(), null};
        }
        Path file = data.resolve("admin.key");
        if (Files.exists(file)) {
            return new String[] {Files.readString(file, StandardCharsets.UTF_8).trim(), null};
        }
        String key = Keys.generate("va");
        Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("no POSIX permissions on this file system for {}", file);
        }
        return new String[] {key, "generated"};
    }

    public int port() {
        return port;
    }

    /** The MQTT port the node listens on. */
    public int mqttPort() {
        return mqttPort;
    }

    public String adminKey() {
        return adminKey;
    }

    /** True when this start generated the operator key (print it once). */
    public boolean adminKeyGenerated() {
        return adminKeyGenerated;
    }

    public String baseUrl() {
        return config.baseUrl(port);
    }

    public Journal journal() {
        return journal;
    }

    public Projection projection() {
        return projection;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Stops listening, lets acknowledged frames reach the store, and closes everything. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        spaces.close();
        bridges.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server took too long", e);
        }
        journal.close();
        projection.close();
        store.close();
        js.close();
    }
}
