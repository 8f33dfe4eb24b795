package org.valley.codec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.codec.grammar.GrammarException;
import org.valley.codec.grammar.SigfoxGrammar;

/**
 * The current version of every codec, compiled once. Thread-safe: the API replaces definitions
 * while ingestion decodes.
 */
public final class CodecCatalog {

    /** A compiled codec with the definition it came from. */
    public record Compiled(CodecDefinition definition, Codec codec) {}

    private final Map<String, Compiled> current = new ConcurrentHashMap<>();

    /**
     * Compiles a definition without installing it.
     *
     * @throws InvalidCodecException naming the field at fault
     */
    public static Codec compile(CodecDefinition definition) {
        return switch (definition.kind()) {
            case "sigfox-grammar" -> {
                try {
                    yield SigfoxGrammar.parse(definition.body());
                } catch (GrammarException e) {
                    throw new InvalidCodecException("config", e.getMessage());
                }
            }
            case "builtin" -> BuiltinCodecs.byName(definition.body())
                    .orElseThrow(() -> new InvalidCodecException(
                            "builtin", "builtin must be one of " + BuiltinCodecs.names() + ", got " + definition.body()));
            default -> throw new InvalidCodecException(
                    "kind", "kind must be sigfox-grammar or builtin, got " + definition.kind());
        };
    }

    /** Compiles and installs {@code definition} as the codec's current version. */
    public Compiled install(CodecDefinition definition) {
        Compiled compiled = new Compiled(definition, compile(definition));
        current.put(definition.id(), compiled);
        return compiled;
    }

    /** The current version of codec {@code id}, or null. */
    public Compiled get(String id) {
        return id == null ? null : current.get(id);
    }

    public void remove(String id) {
        current.remove(id);
    }
}
