package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.valley.server.ingest.JsonBody;

/**
 * The tokens of a webhook body as the one-pass readings ({@link JsonScan}) see them: the part of a
 * streaming parser they use. Two sources give them: {@link ByteTokens}, which reads the bytes of a
 * strict subset of JSON itself, and {@link Jackson}, Jackson's streaming parser, which reads all of
 * JSON and takes over whenever the first gives up.
 */
abstract class Tokens implements AutoCloseable {

    /** Moves to the next token and gives it; null past the end of the body. */
    abstract JsonToken nextToken() throws IOException;

    /** Moves to the next token: the member's name when it is a name, else null. */
    abstract String nextFieldName() throws IOException;

    /** The token moved to last. */
    abstract JsonToken currentToken();

    /** The text of the current string value. */
    abstract String text() throws IOException;

    /** Whether the current integer value fits in a {@code long}. */
    abstract boolean integerFits() throws IOException;

    /** The current integer value, which {@link #integerFits fits}. */
    abstract long longValue() throws IOException;

    /** The current number with a fraction or an exponent. */
    abstract double doubleValue() throws IOException;

    /** At an object's or an array's start, moves to its end; on any other token, stays. */
    abstract void skipChildren() throws IOException;

    /** The current value read whole into a tree, the tokens moved to its last token. */
    abstract JsonNode tree() throws IOException;

    @Override
    public abstract void close() throws IOException;

    /** Jackson's streaming parser: all of JSON, as {@link JsonBody}'s tree reading reads it. */
    static final class Jackson extends Tokens {

        private final JsonParser p;

        Jackson(JsonParser p) {
            this.p = p;
        }

        @Override
        JsonToken nextToken() throws IOException {
            return p.nextToken();
        }

        @Override
        String nextFieldName() throws IOException {
            return p.nextFieldName();
        }

        @Override
        JsonToken currentToken() {
            return p.currentToken();
        }

        @Override
        String text() throws IOException {
            return p.getText();
        }

        @Override
        boolean integerFits() throws IOException {
            return p.getNumberType() != JsonParser.NumberType.BIG_INTEGER;
        }

        @Override
        long longValue() throws IOException {
            return p.getLongValue();
        }

        @Override
        double doubleValue() throws IOException {
            return p.getDoubleValue();
        }

        @Override
        void skipChildren() throws IOException {
            p.skipChildren();
        }

        @Override
        JsonNode tree() throws IOException {
            return JsonBody.mapper().readTree(p);
        }

        @Override
        public void close() throws IOException {
            p.close();
        }
    }
}
