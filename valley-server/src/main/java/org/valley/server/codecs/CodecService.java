package org.valley.server.codecs;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
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

    private static final Set<String> KINDS = Set.of("sigfox-grammar", "builtin");

    private final Catalog catalog;
    private final CodecCatalog compiled;
    private final Tenancy tenancy;
    private final InstantSource clock;
    private final Map<String, CodecDefinition> current = new ConcurrentHashMap<>();

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

    /** Creates a codec (version 1), or 409 when the id is taken. */
    public synchronized CodecDefinition create(Principal who, JsonNode body) {
        String id = Fields.id(body, "id");
        if (current.containsKey(id)) {
            throw Problem.conflict("id", "codec '" + id + "' already exists; PUT /api/v1/codecs/" + id + " makes a new version");
        }
        String tenant = owner(who, Fields.optionalString(body, "tenant"));
        return install(new CodecDefinition(id, tenant, kind(body), bodyOf(body), 1, clock.instant()));
    }

    /** Changes a codec: a new version with the new definition. */
    public synchronized CodecDefinition update(Principal who, String id, JsonNode body) {
        CodecDefinition previous = visible(who, id);
        if (!who.owns(previous.tenant()) && !(previous.tenant() == null && who.isOperator())) {
            throw Problem.forbidden("only the operator or its tenant may change codec '" + id + "'");
        }
        return install(new CodecDefinition(id, previous.tenant(), kind(body), bodyOf(body), previous.version() + 1,
                clock.instant()));
    }

    private CodecDefinition install(CodecDefinition definition) {
        try {
            compiled.compile(definition);
        } catch (InvalidCodecException e) {
            throw Problem.invalid(e.field(), e.getMessage());
        }
        catalog.putCodec(definition);
        compiled.install(definition);
        current.put(definition.id(), definition);
        return definition;
    }

    private String owner(Principal who, String requested) {
        if (who.isOperator() && requested == null) {
            return null;
        }
        return tenancy.actingTenant(who, requested);
    }

    private static String kind(JsonNode body) {
        String kind = Fields.string(body, "kind");
        if ("javascript".equals(kind)) {
            throw Problem.invalid("kind", "field 'kind' javascript is not available on this server yet; use "
                    + "sigfox-grammar or builtin");
        }
        if (!KINDS.contains(kind)) {
            throw Problem.invalid("kind", "field 'kind' must be one of " + KINDS + ", got '" + kind + "'");
        }
        return kind;
    }

    private static String bodyOf(JsonNode body) {
        return switch (Fields.string(body, "kind")) {
            case "sigfox-grammar" -> Fields.string(body, "config");
            case "builtin" -> Fields.string(body, "builtin");
            default -> throw new IllegalStateException("kind checked before");
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
            return c.codec().decode(payload, fPort == null ? -1 : fPort);
        } catch (RuntimeException e) {
            return new DecodeResult.Rejected(List.of("codec failed: " + e));
        }
    }

    /** Whether a device of {@code tenant} may use codec {@code id}. */
    public boolean usableBy(String id, String tenant) {
        CodecDefinition d = current.get(id);
        return d != null && (d.tenant() == null || d.tenant().equals(tenant));
    }
}
