/**
 * The Sigfox custom payload grammar as a {@link org.valley.codec.Codec}: {@link
 * org.valley.codec.grammar.SigfoxGrammar#parse} compiles a config once, decoding then reads the
 * payload with precomputed positions.
 */
package org.valley.codec.grammar;
