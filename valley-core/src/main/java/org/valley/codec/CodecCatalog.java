package org.valley.codec;

import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.valley.codec.grammar.GrammarException;
import org.valley.codec.grammar.SigfoxGrammar;

/**
 * The current version of every codec, compiled once. Thread-safe: the API replaces definitions
 * while ingestion decodes. Sigfox grammars and built-ins are compiled here; other kinds by the
 * {@link CodecCompiler} plugged in for them.
 */
public final class CodecCatalog {

    /** A compiled codec with the definition it came from. */
    public record Compiled(CodecDefinition definition, Codec codec) {}

    private final Map<String, Compiled> current = new ConcurrentHashMap<>();
    private final Map<String, CodecCompiler> compilers;

    /** A catalog of the core's own kinds: {@code sigfox-grammar} and {@code builtin}. */
    public CodecCatalog() {
        this(Map.of());
    }

    /** A catalog that also compiles the given kinds (e.g. {@code javascript}). */
    public CodecCatalog(Map<String, CodecCompiler> compilers) {
        this.compilers = Map.copyOf(compilers);
    }

    /** Every kind this catalog compiles. */
    public java.util.Set<String> kinds() {
        TreeSet<String> kinds = new TreeSet<>(compilers.keySet());
        kinds.add("sigfox-grammar");
        kinds.add("builtin");
        return kinds;
    }

    /**
     * Compiles a definition without installing it.
     *
     * @throws InvalidCodecException naming the field at fault
     */
    public Codec compile(CodecDefinition definition) {
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
            default -> {
                CodecCompiler compiler = compilers.get(definition.kind());
                if (compiler == null) {
                    throw new InvalidCodecException(
                            "kind", "kind must be one of " + kinds() + ", got " + definition.kind());
                }
                yield compiler.compile(definition);
            }
        };
    }

    /** Compiles and installs {@code definition} as the codec's current version, closing the one it replaces. */
    public Compiled install(CodecDefinition definition) {
        Compiled compiled = new Compiled(definition, compile(definition));
        Compiled previous = current.put(definition.id(), compiled);
        if (previous != null) {
            previous.codec().close();
        }
        return compiled;
    }

    /** The current version of codec {@code id}, or null. */
    public Compiled get(String id) {
        return id == null ? null : current.get(id);
    }

    public void remove(String id) {
        Compiled previous = current.remove(id);
        if (previous != null) {
            previous.codec().close();
        }
    }
}
