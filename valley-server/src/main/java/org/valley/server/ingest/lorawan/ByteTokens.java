package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.valley.server.ingest.ExactDecimal;
import org.valley.server.ingest.JsonBody;

/**
 * The tokens of a body in a strict subset of JSON, read from its bytes: what Jackson's parser would
 * give for them, without its set-up, its name canonicalisation and a String for every scalar.
 *
 * <p>The subset, on which the tokens are sure to be Jackson's: one object at the top, followed by
 * nothing but whitespace; names and strings without escapes or control characters, in well-formed
 * UTF-8; numbers in JSON's form, integers of at most 18 digits; at most {@value #MAX_DEPTH} levels
 * of nesting; names, strings and numbers far shorter than Jackson's limits on them; the four JSON
 * whitespace characters between tokens. On anything else, valid JSON or not, it gives up with
 * {@link JsonScan#NOT_BYTES}, and Jackson's parser reads the body again. Strings and numbers become
 * values only when asked for, so what is skipped costs no allocation.
 */
final class ByteTokens extends Tokens {

    /** Half Jackson's limit of the tree reading (32): deeper bodies go to Jackson's parser. */
    private static final int MAX_DEPTH = 16;
    private static final int MAX_INTEGER_DIGITS = 18;
    /** Far below Jackson's limits on a name (50,000 characters), a number (1,000) and a string (1 MiB). */
    private static final int MAX_NAME = 256;
    private static final int MAX_NUMBER = 64;
    private static final int MAX_STRING = 64 * 1024;

    /**
     * The member names of the networks' uplinks, handed out as these Strings when the bytes match
     * (other names are new Strings): an open-addressing table by a hash of the bytes.
     */
    private static final String[] KNOWN = {
        // The Things Stack
        "end_device_ids", "device_id", "application_ids", "application_id", "dev_eui", "join_eui", "dev_addr",
        "correlation_ids", "received_at", "uplink_message", "session_key_id", "f_port", "f_cnt", "frm_payload",
        "decoded_payload", "rx_metadata", "gateway_ids", "gateway_id", "eui", "time", "timestamp", "rssi",
        "channel_rssi", "snr", "location", "latitude", "longitude", "altitude", "source", "uplink_token",
        "channel_index", "settings", "data_rate", "lora", "bandwidth", "spreading_factor", "coding_rate", "frequency",
        "consumed_airtime", "network_ids", "net_id", "tenant_id", "cluster_id", "cluster_address", "confirmed",
        "simulated", "packet_error_rate", "locations", "version_ids", "brand_id", "model_id", "hardware_version",
        "firmware_version", "band_id", "attributes", "last_battery_percentage", "f_value",
        "gps_time", "frequency_offset", "hopping_width", "ns_id", "tenant_address", "decoded_payload_warnings",
        "normalized_payload", "normalized_payload_warnings", "mac_version",
        // ChirpStack
        "deduplicationId", "deviceInfo", "tenantId", "tenantName", "applicationId", "applicationName",
        "deviceProfileId", "deviceProfileName", "deviceName", "devEui", "deviceClassEnabled", "tags", "devAddr",
        "adr", "dr", "fCnt", "fPort", "data", "object", "rxInfo", "gatewayId", "uplinkId", "gwTime", "nsTime",
        "timeSinceGpsEpoch", "channel", "rfChain", "board", "antenna", "context", "metadata", "region_name",
        "region_common_name", "region_config_id", "crcStatus", "txInfo", "modulation", "spreadingFactor",
        "codeRate", "polarizationInversion", "regionConfigId", "margin", "batteryLevel", "externalPowerSource",
        "batteryLevelUnavailable", "accuracy", "fineTimestampType", "plainFineTimestamp", "encryptedFineTimestamp",
    };
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final long LOW_BITS = 0x7f7f_7f7f_7f7f_7f7fL;
    private static final int TABLE_BITS = 9;
    private static final String[] NAMES = new String[1 << TABLE_BITS];
    private static final byte[][] NAME_BYTES = new byte[1 << TABLE_BITS][];

    static {
        for (String name : KNOWN) {
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            int i = hash(bytes, 0, bytes.length) & (NAMES.length - 1);
            while (NAMES[i] != null && !NAMES[i].equals(name)) {
                i = (i + 1) & (NAMES.length - 1);
            }
            NAMES[i] = name;
            NAME_BYTES[i] = bytes;
        }
    }

    private final byte[] b;
    private int pos;
    private JsonToken current;
    /** Open containers; {@code objects[d]} tells whether level d (1-based) is an object. */
    private final boolean[] objects = new boolean[MAX_DEPTH + 1];
    private int depth;
    /** The innermost open container has no member yet. */
    private boolean first;
    /** Where the current token begins, and the text of a name or string (without quotes) or number. */
    private int tokenStart;
    private int start;
    private int end;
    private boolean fraction;
    /** The current name or string has non-ASCII characters. */
    private boolean wide;

    private ByteTokens(byte[] body) {
        this.b = body;
    }

    /** Tokens on {@code body}, on the start of its top-level object. */
    static ByteTokens open(byte[] body) {
        if (body == null || body.length == 0) {
            throw JsonScan.NOT_BYTES;
        }
        ByteTokens t = new ByteTokens(body);
        t.space();
        if (t.pos >= body.length || body[t.pos] != '{') {
            throw JsonScan.NOT_BYTES;
        }
        t.tokenStart = t.pos++;
        t.push(true);
        t.current = JsonToken.START_OBJECT;
        return t;
    }

    /** Checks that the top-level object has ended and only whitespace follows it. */
    void finish() {
        if (depth != 0) {
            throw JsonScan.NOT_BYTES;
        }
        space();
        if (pos != b.length) {
            throw JsonScan.NOT_BYTES;
        }
    }

    @Override
    JsonToken nextToken() {
        if (current == JsonToken.FIELD_NAME) {
            return value();
        }
        if (depth == 0) {
            throw JsonScan.NOT_BYTES; // nothing is read past the top-level object
        }
        space();
        if (pos >= b.length) {
            throw JsonScan.NOT_BYTES;
        }
        byte c = b[pos];
        if (objects[depth]) {
            if (c == '}') {
                tokenStart = pos++;
                pop();
                return current = JsonToken.END_OBJECT;
            }
            if (!first) {
                if (c != ',') {
                    throw JsonScan.NOT_BYTES;
                }
                pos++;
                space();
                if (pos >= b.length) {
                    throw JsonScan.NOT_BYTES;
                }
                c = b[pos];
            }
            if (c != '"') {
                throw JsonScan.NOT_BYTES;
            }
            first = false;
            tokenStart = pos;
            string();
            if (end - start > MAX_NAME) {
                throw JsonScan.NOT_BYTES;
            }
            space();
            if (pos >= b.length || b[pos] != ':') {
                throw JsonScan.NOT_BYTES;
            }
            pos++;
            return current = JsonToken.FIELD_NAME;
        }
        if (c == ']') {
            tokenStart = pos++;
            pop();
            return current = JsonToken.END_ARRAY;
        }
        if (!first) {
            if (c != ',') {
                throw JsonScan.NOT_BYTES;
            }
            pos++;
        }
        first = false;
        return value();
    }

    @Override
    String nextFieldName() {
        return nextToken() == JsonToken.FIELD_NAME ? name() : null;
    }

    @Override
    JsonToken currentToken() {
        return current;
    }

    /** The name of the current member, on its name token. */
    String currentName() {
        if (current != JsonToken.FIELD_NAME) {
            throw JsonScan.NOT_BYTES;
        }
        return name();
    }

    @Override
    String text() {
        if (current != JsonToken.VALUE_STRING) {
            throw JsonScan.NOT_BYTES;
        }
        return new String(b, start, end - start, wide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override
    boolean integerFits() {
        return true; // longer integers gave up when read
    }

    @Override
    long longValue() {
        if (current != JsonToken.VALUE_NUMBER_INT) {
            throw JsonScan.NOT_BYTES;
        }
        int i = start;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long value = 0;
        for (; i < end; i++) {
            value = value * 10 + (b[i] - '0');
        }
        return negative ? -value : value;
    }

    @Override
    double doubleValue() {
        if (current != JsonToken.VALUE_NUMBER_FLOAT) {
            throw JsonScan.NOT_BYTES;
        }
        int i = start;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        long digits = 0;
        int count = 0;
        int scale = -1;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '.') {
                scale = 0;
            } else if (c >= '0' && c <= '9') {
                digits = digits * 10 + (c - '0');
                count++;
                if (scale >= 0) {
                    scale++;
                }
            } else {
                count = Integer.MAX_VALUE; // an exponent
                break;
            }
        }
        if (count <= ExactDecimal.MAX_DIGITS && scale >= 0) {
            double value = ExactDecimal.of(digits, scale);
            return negative ? -value : value;
        }
        return Double.parseDouble(new String(b, start, end - start, StandardCharsets.ISO_8859_1));
    }

    @Override
    void skipChildren() {
        if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
            return;
        }
        int level = depth - 1;
        while (depth > level) {
            nextToken();
        }
    }

    @Override
    JsonNode tree() throws IOException {
        int from = tokenStart;
        skipChildren();
        return JsonBody.mapper().readTree(b, from, pos - from);
    }

    @Override
    public void close() {}

    /** Reads the value that starts after optional whitespace. */
    private JsonToken value() {
        space();
        if (pos >= b.length) {
            throw JsonScan.NOT_BYTES;
        }
        tokenStart = pos;
        switch (b[pos]) {
            case '{' -> {
                pos++;
                push(true);
                return current = JsonToken.START_OBJECT;
            }
            case '[' -> {
                pos++;
                push(false);
                return current = JsonToken.START_ARRAY;
            }
            case '"' -> {
                string();
                return current = JsonToken.VALUE_STRING;
            }
            case 't' -> {
                literal("true");
                return current = JsonToken.VALUE_TRUE;
            }
            case 'f' -> {
                literal("false");
                return current = JsonToken.VALUE_FALSE;
            }
            case 'n' -> {
                literal("null");
                return current = JsonToken.VALUE_NULL;
            }
            default -> {
                number();
                return current = fraction ? JsonToken.VALUE_NUMBER_FLOAT : JsonToken.VALUE_NUMBER_INT;
            }
        }
    }

    /**
     * A string without escapes or control characters, at its opening quote; its non-ASCII characters,
     * if any, in well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
     * U+10FFFF), which Jackson decodes to the same characters.
     */
    private void string() {
        int i = pos + 1;
        start = i;
        wide = false;
        byte[] bytes = b;
        int n = bytes.length;
        while (true) {
            // eight bytes at a time while none is a quote, a backslash, a control character or
            // non-ASCII: each test is on 7-bit lanes, so no borrow or carry crosses into the next byte
            while (i + 8 <= n) {
                long x = (long) LONGS.get(bytes, i);
                long y = x & LOW_BITS;
                long flags = (x | ~(y + ONES * 0x60) | ~((y ^ ONES * '"') + ONES * 0x7f)
                        | ~((y ^ ONES * '\\') + ONES * 0x7f)) & HIGH_BITS;
                if (flags != 0) {
                    i += Long.numberOfTrailingZeros(flags) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= n) {
                throw JsonScan.NOT_BYTES;
            }
            byte c = bytes[i];
            if (c == '"') {
                break;
            }
            if (c >= 0x20 && c != '\\') {
                i++; // printable ASCII in the last few bytes of the body
            } else if (c < 0) {
                i += sequence(bytes, i, n);
                wide = true;
            } else {
                throw JsonScan.NOT_BYTES; // an escape or a control character
            }
        }
        if (i - start > MAX_STRING) {
            throw JsonScan.NOT_BYTES;
        }
        end = i;
        pos = i + 1;
    }

    /** The length of the well-formed UTF-8 sequence of two to four bytes at {@code i}. */
    private static int sequence(byte[] bytes, int i, int n) {
        int lead = bytes[i] & 0xff;
        int length;
        int low = 0x80;
        int high = 0xbf;
        if (lead >= 0xc2 && lead <= 0xdf) {
            length = 2;
        } else if (lead >= 0xe0 && lead <= 0xef) {
            length = 3;
            if (lead == 0xe0) {
                low = 0xa0; // no overlong form
            } else if (lead == 0xed) {
                high = 0x9f; // no surrogate
            }
        } else if (lead >= 0xf0 && lead <= 0xf4) {
            length = 4;
            if (lead == 0xf0) {
                low = 0x90;
            } else if (lead == 0xf4) {
                high = 0x8f; // nothing above U+10FFFF
            }
        } else {
            throw JsonScan.NOT_BYTES;
        }
        if (i + length > n) {
            throw JsonScan.NOT_BYTES;
        }
        int second = bytes[i + 1] & 0xff;
        if (second < low || second > high) {
            throw JsonScan.NOT_BYTES;
        }
        for (int k = 2; k < length; k++) {
            int next = bytes[i + k] & 0xff;
            if (next < 0x80 || next > 0xbf) {
                throw JsonScan.NOT_BYTES;
            }
        }
        return length;
    }

    private void literal(String word) {
        int n = word.length();
        if (pos + n > b.length) {
            throw JsonScan.NOT_BYTES;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                throw JsonScan.NOT_BYTES;
            }
        }
        pos += n;
        delimited();
    }

    /** A number in JSON's form: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() {
        int i = pos;
        int n = b.length;
        start = i;
        if (b[i] == '-') {
            i++;
        }
        int digitsFrom = i;
        if (i < n && b[i] == '0') {
            i++;
        } else {
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
        }
        if (i == digitsFrom) {
            throw JsonScan.NOT_BYTES;
        }
        int integerDigits = i - digitsFrom;
        fraction = false;
        if (i < n && b[i] == '.') {
            fraction = true;
            int from = ++i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == from) {
                throw JsonScan.NOT_BYTES;
            }
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            fraction = true;
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int from = i;
            while (i < n && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (i == from) {
                throw JsonScan.NOT_BYTES;
            }
        }
        if (!fraction && integerDigits > MAX_INTEGER_DIGITS || i - start > MAX_NUMBER) {
            throw JsonScan.NOT_BYTES;
        }
        end = i;
        pos = i;
        delimited();
    }

    /** A literal or a number must be followed by whitespace, a comma or a container's end. */
    private void delimited() {
        if (pos < b.length) {
            byte c = b[pos];
            if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                throw JsonScan.NOT_BYTES;
            }
        }
    }

    private void space() {
        byte[] bytes = b;
        int i = pos;
        while (i < bytes.length) {
            byte c = bytes[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        pos = i;
    }

    private void push(boolean object) {
        if (depth == MAX_DEPTH) {
            throw JsonScan.NOT_BYTES;
        }
        objects[++depth] = object;
        first = true;
    }

    private void pop() {
        depth--;
        first = false;
    }

    /** The current name as a String: the known one when the bytes match one. */
    private String name() {
        int length = end - start;
        int i = hash(b, start, end) & (NAMES.length - 1);
        for (String known = NAMES[i]; known != null; known = NAMES[i]) {
            byte[] k = NAME_BYTES[i];
            if (k.length == length && java.util.Arrays.equals(k, 0, length, b, start, end)) {
                return known;
            }
            i = (i + 1) & (NAMES.length - 1);
        }
        return new String(b, start, length, wide ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** A hash of a name's length and its first, middle and last bytes: enough to tell the known names apart. */
    private static int hash(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length == 0) {
            return 0;
        }
        int h = ((length * 31 + bytes[from]) * 31 + bytes[from + (length >> 1)]) * 31 + bytes[to - 1];
        return h ^ (h >>> TABLE_BITS);
    }
}
