package org.valley.server.codecs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.valley.codec.Codec;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.codec.EncodeResult;
import org.valley.codec.InvalidCodecException;
import org.valley.frame.Hex;
import org.valley.server.auth.Principal;
import org.valley.server.auth.Tenancy;
import org.valley.server.http.Fields;
import org.valley.server.http.Problem;
import org.valley.store.Catalog;

/**
 * Codecs: created and changed through the API, every change a new version, the current version
 * compiled once in the {@link CodecCatalog} that decoding uses. A codec without a tenant is the
 * operator's and every tenant may use it.
 */
public final class CodecService {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A saved codec version and the outcome of its examples (empty when it has none). */
    public record Saved(CodecDefinition definition, List<SelfTest.Outcome> selfTest) {}

    private final Catalog catalog;
    private final CodecCatalog compiled;
    private final Tenancy tenancy;
    private final InstantSource clock;
    private final Map<String, CodecDefinition> current = new ConcurrentHashMap<>();
    /** Runs a codec change in order with the frames being projected; at once until {@link #orderWith} is called. */
    private volatile Function<Runnable, CompletableFuture<Void>> sequence = change -> {
        change.run();
        return CompletableFuture.completedFuture(null);
    };

    public CodecService(Catalog catalog, CodecCatalog compiled, Tenancy tenancy, InstantSource clock) {
        this.catalog = catalog;
        this.compiled = compiled;
        this.tenancy = tenancy;
        this.clock = clock;
        for (CodecDefinition d : catalog.codecs()) {
            try {
                compiled.install(d);
                current.put(d.id(), d);
            } catch (InvalidCodecException e) {
                System.getLogger(CodecService.class.getName()).log(System.Logger.Level.WARNING,
                        "codec {0} version {1} no longer compiles: {2}", d.id(), d.version(), e.getMessage());
            }
        }
    }

    /**
     * Makes every later codec change take effect in order with the frames being projected (through
     * {@code sequence}, the projection's task queue): frames acknowledged before a change are decoded
     * with the version they were acknowledged under, whatever the projection's delay.
     */
    public void orderWith(Function<Runnable, CompletableFuture<Void>> sequence) {
        this.sequence = sequence;
    }

    /**
     * Creates a codec (version 1), or 409 when the id is taken. Examples given with it (a list in
     * {@code examples}, or a device repository codec file in {@code codecFile}) are kept with the
     * version and run at once.
     */
    public synchronized Saved create(Principal who, JsonNode body) {
        String id = Fields.id(body, "id");
        if (current.containsKey(id)) {
            throw Problem.conflict("id", "codec '" + id + "' already exists; PUT /api/v1/codecs/" + id + " makes a new version");
        }
        String tenant = owner(who, Fields.optionalString(body, "tenant"));
        String kind = kind(body);
        return install(new CodecDefinition(id, tenant, kind, bodyOf(body, kind), 1, clock.instant(), examples(body, null)));
    }

    /** Changes a codec: a new version with the new definition (and the previous examples unless new ones are given). */
    public synchronized Saved update(Principal who, String id, JsonNode body) {
        CodecDefinition previous = visible(who, id);
        if (!who.owns(previous.tenant()) && !(previous.tenant() == null && who.isOperator())) {
            throw Problem.forbidden("only the operator or its tenant may change codec '" + id + "'");
        }
        String kind = kind(body);
        return install(new CodecDefinition(id, previous.tenant(), kind, bodyOf(body, kind), previous.version() + 1,
                clock.instant(), examples(body, previous.examples())));
    }

    private Saved install(CodecDefinition definition) {
        Codec codec;
        try {
            codec = compiled.compile(definition);
        } catch (InvalidCodecException e) {
            throw Problem.invalid(e.field(), e.getMessage());
        }
        List<SelfTest.Outcome> outcomes;
        try {
            outcomes = SelfTest.run(codec, SelfTest.parse(definition.examples()));
        } finally {
            codec.close();
        }
        catalog.putCodec(definition);
        CompletableFuture<Void> applied = sequence.apply(() -> compiled.install(definition));
        current.put(definition.id(), definition);
        try {
            applied.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            System.getLogger(CodecService.class.getName()).log(System.Logger.Level.WARNING,
                    "codec {0} version {1} is saved; frames acknowledged before it are still being projected, and it"
                            + " takes effect after them", definition.id(), definition.version());
        }
        return new Saved(definition, outcomes);
    }

    /** Runs the examples of the codec's current version. */
    public List<SelfTest.Outcome> selfTest(Principal who, String id) {
        CodecDefinition d = visible(who, id);
        return SelfTest.run(compiled.get(id).codec(), SelfTest.parse(d.examples()));
    }

    private static String examples(JsonNode body, String previous) {
        JsonNode list = body.get("examples");
        JsonNode file = body.get("codecFile");
        if (list != null && !list.isNull() && file != null && !file.isNull()) {
            throw Problem.invalid("examples", "give either field 'examples' or field 'codecFile', not both");
        }
        try {
            if (list != null && !list.isNull()) {
                return SelfTest.toJson(SelfTest.fromList(list, "examples"));
            }
            if (file != null && !file.isNull()) {
                return SelfTest.toJson(SelfTest.fromCodecFile(codecFile(file), "codecFile"));
            }
        } catch (InvalidCodecException e) {
            throw Problem.invalid(e.field(), e.getMessage());
        }
        return previous;
    }

    /** A device repository codec file: given as YAML text (as the repository keeps it) or as a JSON object. */
    private static JsonNode codecFile(JsonNode file) {
        if (file.isObject()) {
            return file;
        }
        if (!file.isTextual()) {
            throw Problem.invalid("codecFile", "field 'codecFile' must be the codec file's YAML text or a JSON object");
        }
        try {
            return YAML.readTree(file.asText());
        } catch (JsonProcessingException e) {
            throw Problem.invalid("codecFile", "field 'codecFile' is not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
        }
    }

    private String owner(Principal who, String requested) {
        if (who.isOperator() && requested == null) {
            return null;
        }
        return tenancy.actingTenant(who, requested);
    }

    private String kind(JsonNode body) {
        String kind = Fields.string(body, "kind");
        if (!compiled.kinds().contains(kind)) {
            throw Problem.invalid("kind", "field 'kind' must be one of " + compiled.kinds() + ", got '" + kind + "'");
        }
        return kind;
    }

    private static String bodyOf(JsonNode body, String kind) {
        return switch (kind) {
            case "sigfox-grammar" -> Fields.string(body, "config");
            case "builtin" -> Fields.string(body, "builtin");
            default -> Fields.string(body, "source");
        };
    }

    /** The current version of a codec the principal may use, or 404. */
    public CodecDefinition visible(Principal who, String id) {
        CodecDefinition d = current.get(id);
        if (d == null || !(d.tenant() == null || who.isOperator() || d.tenant().equals(who.tenant()))) {
            throw Problem.notFound("no codec '" + id + "'");
        }
        return d;
    }

    public List<CodecDefinition> list(Principal who) {
        return current.values().stream()
                .filter(d -> d.tenant() == null || who.isOperator() || d.tenant().equals(who.tenant()))
                .sorted(Comparator.comparing(CodecDefinition::id))
                .toList();
    }

    public List<CodecDefinition> versions(Principal who, String id) {
        visible(who, id);
        return catalog.codecVersions(id);
    }

    /** Decodes a payload with the codec's current version without storing anything. */
    public DecodeResult test(Principal who, String id, JsonNode body) {
        visible(who, id);
        byte[] payload = Fields.hex(body, "payloadHex");
        if (payload.length > 256) {
            throw Problem.invalid("payloadHex", "field 'payloadHex' must be at most 256 bytes");
        }
        Integer fPort = Fields.optionalInt(body, "fPort", 0, 255);
        CodecCatalog.Compiled c = compiled.get(id);
        try {
            return c.codec().decode(payload, fPort == null ? -1 : fPort, clock.millis());
        } catch (RuntimeException e) {
            return new DecodeResult.Rejected(List.of("codec failed: " + e));
        }
    }

    /** Encodes downlink values with the current version of codec {@code id} ({@code encodeDownlink}). */
    public EncodeResult encode(String id, Map<String, Object> data) {
        CodecCatalog.Compiled c = compiled.get(id);
        if (c == null) {
            return new EncodeResult.Rejected(List.of("the device has no codec to encode downlink values"));
        }
        return c.codec().encodeDownlink(data);
    }

    /** Whether a device of {@code tenant} may use codec {@code id}. */
    public boolean usableBy(String id, String tenant) {
        CodecDefinition d = current.get(id);
        return d != null && (d.tenant() == null || d.tenant().equals(tenant));
    }
}
