package org.valley.codec;

import java.time.Instant;

/**
 * One version of a codec as its owner defined it.
 *
 * @param id the codec's id
 * @param tenant the owning tenant, or null for a codec the operator shares with every tenant
 * @param kind {@code sigfox-grammar}, {@code builtin} or {@code javascript}
 * @param body the grammar config, the built-in's name or the JavaScript source, by kind
 * @param version 1 for the first definition, then one more for every change
 * @param updatedAt when this version was made
 * @param examples the codec's examples as a JSON array (see {@link SelfTest}), or null for none
 */
public record CodecDefinition(
        String id, String tenant, String kind, String body, int version, Instant updatedAt, String examples) {

    /** A definition without examples. */
    public CodecDefinition(String id, String tenant, String kind, String body, int version, Instant updatedAt) {
        this(id, tenant, kind, body, version, updatedAt, null);
    }
}
