package org.valley.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.device.Device;
import org.valley.server.codecs.CodecService;
import org.valley.server.codecs.SelfTest;
import org.valley.server.devices.DeviceService.DeviceHealth;
import org.valley.server.devices.Redecodes;
import org.valley.store.Catalog;
import org.valley.store.FrameQueries;

/** The JSON shapes of API responses, built as ordered maps. */
public final class Views {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Views() {}

    static String time(long epochMillis) {
        return epochMillis <= 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    public static Map<String, Object> tenant(Catalog.Tenant t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("name", t.name());
        m.put("createdAt", time(t.createdAt()));
        return m;
    }

    /** An integration; {@code state} is what a running bridge is doing ({@code state} in the view), or null. */
    public static Map<String, Object> integration(Catalog.Integration i, String key, String baseUrl,
            Map<String, Object> state) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("kind", i.kind());
        m.put("tenant", i.tenant());
        if (i.config() != null) {
            // a bridge calls out and is called by no one: its settings, never its password, and no key
            JsonNode settings = raw(i.config());
            settings.properties().forEach(e -> {
                if (!e.getKey().equals("password")) {
                    m.put(e.getKey(), e.getValue());
                }
            });
            m.put("createdAt", time(i.createdAt()));
            if (state != null) {
                m.put("state", state);
            }
            return m;
        }
        if (key != null) {
            m.put("key", key);
        }
        String path = switch (i.kind()) {
            case "sigfox" -> "/ingest/sigfox";
            case "ttn" -> "/ingest/ttn";
            case "chirpstack" -> "/ingest/chirpstack";
            case "http" -> "/ingest/http/{deviceId}";
            default -> null;
        };
        if (path != null) {
            m.put("url", baseUrl + path + "?key=" + (key == null ? "<key>" : key));
        }
        m.put("createdAt", time(i.createdAt()));
        return m;
    }

    public static Map<String, Object> codec(CodecDefinition d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("tenant", d.tenant());
        m.put("kind", d.kind());
        switch (d.kind()) {
            case "sigfox-grammar" -> m.put("config", d.body());
            case "builtin" -> m.put("builtin", d.body());
            default -> m.put("source", d.body());
        }
        m.put("version", d.version());
        m.put("updatedAt", time(d.updatedAt()));
        m.put("examples", SelfTest.parse(d.examples()).size());
        return m;
    }

    /** A re-decode job and its progress. */
    public static Map<String, Object> redecode(Redecodes.Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", job.id());
        m.put("device", job.device().id());
        m.put("from", job.from() == null ? null : time(Instant.ofEpochMilli(job.from())));
        m.put("to", job.to() == null ? null : time(Instant.ofEpochMilli(job.to())));
        m.put("codec", job.codec());
        m.put("codecVersion", job.codecVersion());
        m.put("status", job.status());
        m.put("frames", job.frames() < 0 ? null : job.frames());
        m.put("decoded", job.decoded());
        m.put("startedAt", time(job.startedAt()));
        m.put("finishedAt", time(job.finishedAt()));
        if (job.error() != null) {
            m.put("error", job.error());
        }
        return m;
    }

    /** A codec version just saved, with the outcome of its examples. */
    public static Map<String, Object> saved(CodecService.Saved saved) {
        Map<String, Object> m = codec(saved.definition());
        if (!saved.selfTest().isEmpty()) {
            m.put("selfTest", selfTest(saved.selfTest()));
        }
        return m;
    }

    /** Examples run as a self-test: counts, and each example with what differed. */
    public static Map<String, Object> selfTest(List<SelfTest.Outcome> outcomes) {
        Map<String, Object> m = new LinkedHashMap<>();
        long passed = outcomes.stream().filter(SelfTest.Outcome::passed).count();
        m.put("passed", passed);
        m.put("failed", outcomes.size() - passed);
        m.put("examples", outcomes.stream().map(o -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("description", o.example().description());
            e.put("function", o.example().function().section());
            e.put("passed", o.passed());
            e.put("input", o.example().input());
            e.put("expected", o.example().output());
            e.put("actual", o.actual());
            e.put("differences", o.differences());
            return e;
        }).toList());
        return m;
    }

    public static Map<String, Object> decodeResult(DecodeResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (result) {
            case DecodeResult.Decoded d -> {
                m.put("data", d.data());
                m.put("warnings", d.warnings());
                m.put("errors", List.of());
            }
            case DecodeResult.Rejected r -> {
                m.put("data", null);
                m.put("warnings", List.of());
                m.put("errors", r.errors());
            }
        }
        return m;
    }

    public static Map<String, Object> device(Device d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("name", d.name());
        m.put("tenant", d.tenant());
        m.put("network", Map.of("kind", d.network().kind(), "id", d.network().id()));
        m.put("codec", d.codec());
        m.put("space", d.space());
        m.put("role", d.role());
        m.put("roleKey", d.roleKey());
        m.put("createdAt", time(d.createdAt()));
        return m;
    }

    public static Map<String, Object> deviceWithHealth(DeviceHealth h) {
        Map<String, Object> m = device(h.device());
        m.put("lastSeen", time(h.lastSeen()));
        m.put("battery", h.battery());
        m.put("frames", h.frames());
        m.put("duplicates", h.duplicates());
        m.put("lostFrames", h.lostFrames());
        m.put("rssi", h.rssi());
        m.put("snr", h.snr());
        return m;
    }

    public static Map<String, Object> frame(FrameQueries.FrameView f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("networkId", f.networkId());
        m.put("time", time(f.time()));
        m.put("receivedAt", time(f.receivedAt()));
        m.put("seq", f.seq() < 0 ? null : f.seq());
        if (f.fPort() >= 0) {
            m.put("fPort", f.fPort());
        }
        m.put("payloadHex", f.payloadHex());
        List<Map<String, Object>> receptions = new ArrayList<>();
        for (FrameQueries.ReceptionView r : f.receptions()) {
            if (r.station() == null && r.rssi() == null && r.snr() == null) {
                continue; // a delivery that carried no radio metadata
            }
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("station", r.station());
            rm.put("rssi", r.rssi());
            rm.put("snr", r.snr());
            receptions.add(rm);
        }
        m.put("receptions", receptions);
        m.put("decoded", raw(f.decodedJson()));
        m.put("decodeError", f.decodeError());
        m.put("codec", f.codecId());
        m.put("codecVersion", f.codecVersion());
        if (f.metaJson() != null) {
            m.put("network", raw(f.metaJson()));
        }
        if (f.restart()) {
            m.put("counterRestart", true);
        }
        return m;
    }

    private static JsonNode raw(String json) {
        if (json == null) {
            return null;
        }
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is not valid: " + e.getMessage(), e);
        }
    }

    public static Map<String, Object> reading(FrameQueries.ReadingView r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ts", time(r.ts()));
        m.put("key", r.key());
        m.put("value", r.value());
        return m;
    }

    public static Map<String, Object> bucket(FrameQueries.Bucket b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", time(b.start()));
        m.put("count", b.count());
        m.put("min", b.min());
        m.put("max", b.max());
        m.put("avg", b.avg());
        m.put("last", b.last());
        return m;
    }

    public static Map<String, Object> downlink(Catalog.Downlink d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("device", d.deviceId());
        m.put("payloadHex", d.payloadHex());
        m.put("fPort", d.fPort());
        m.put("status", d.status());
        m.put("createdAt", time(d.createdAt()));
        m.put("sentAt", time(d.sentAt()));
        return m;
    }

    /** Who a key acts as: its role and tenant (null for the operator). */
    public static Map<String, Object> principal(org.valley.server.auth.Principal who) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", who.role());
        out.put("tenant", who.tenant());
        return out;
    }
}
