package org.valley.codec;

/**
 * Compiles codec definitions of one kind that the core does not know itself (JavaScript codecs
 * live in their own module, with their engine). Plugged into a {@link CodecCatalog} by kind.
 */
@FunctionalInterface
public interface CodecCompiler {

    /**
     * @throws InvalidCodecException naming the field at fault when the definition cannot be compiled
     */
    Codec compile(CodecDefinition definition);
}
