package org.valley.server.ingest.sigfox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.frame.UplinkKind;
import org.valley.server.ingest.ExactDecimal;

/**
 * The fast path of {@link SigfoxCallback#parseData}: reads the common shape of a DATA callback
 * body straight from its bytes, without a JSON library, and gives up (returns null) on anything
 * else, which then goes through the full parser.
 *
 * <p>Why it is safe. It accepts only a strict subset of JSON on which it can be sure to compute
 * exactly what the full parser computes: one flat object of ASCII field names and values; strings
 * without escapes or control characters; numbers in plain JSON form; no repeated field; only the
 * four JSON whitespace characters around tokens. Each known field takes only the value forms whose
 * result it is sure of (hex text for {@code device} and {@code data}, digits for {@code time} and
 * {@code seqNumber}, short plain decimals for {@code rssi} and {@code snr}, true/false for the
 * flags), and an unknown field is kept as metadata only when its value is a string, an integer
 * or a literal, whose JSON text the full parser's tree would write back unchanged. Everything
 * else, including every body that is invalid or breaks a rule, falls back, so errors keep the full
 * parser's messages. A differential test checks both paths against each other.
 *
 * <p>Why it exists: Jackson's parser set-up, its name canonicalisation, a String per scalar and a
 * tree for the metadata cost about a microsecond per callback, more than the rest of the
 * projection does with the frame.
 */
final class FlatCallbackParser {

    private static final byte[] DEVICE = ascii("device");
    private static final byte[] TIME = ascii("time");
    private static final byte[] DATA = ascii("data");
    private static final byte[] SEQ_NUMBER = ascii("seqNumber");
    private static final byte[] STATION = ascii("station");
    private static final byte[] RSSI = ascii("rssi");
    private static final byte[] SNR = ascii("snr");
    private static final byte[] DUPLICATE = ascii("duplicate");
    private static final byte[] ACK = ascii("ack");

    private static final int STRING = 1;
    private static final int INT = 2;
    private static final int FLOAT = 3;
    private static final int TRUE = 4;
    private static final int FALSE = 5;
    private static final int NULL = 6;

    private static final int MAX_META_FIELDS = 64;
    /** Far below the full parser's 64 KiB string limit, and far above any callback. */
    private static final int MAX_BODY = 32 * 1024;
    private static final int MAX_INT_DIGITS = 100;
    private static final long MAX_EPOCH_SECONDS = 32_503_680_000L;

    private final byte[] b;
    private int pos;
    /** The value just read: its kind and where its text lies (for a string, without the quotes). */
    private int kind;
    private int start;
    private int end;

    private FlatCallbackParser(byte[] body) {
        this.b = body;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The uplink of a DATA callback, or null when the full parser must decide. */
    static Uplink parseData(byte[] body, String tenant, String integration, long now) {
        return new FlatCallbackParser(body).parse(tenant, integration, now);
    }

    private Uplink parse(String tenant, String integration, long now) {
        if (b.length > MAX_BODY) {
            return null; // the full parser enforces its limits on string length
        }
        String device = null;
        long time = -1;
        byte[] data = null;
        int seq = Uplink.NO_SEQ;
        String station = null;
        Double rssi = null;
        Double snr = null;
        boolean duplicate = false;
        boolean ack = false;
        int seen = 0;
        int[] metaFields = null;
        int metaCount = 0;
        String[] floatTexts = null;

        skipWhitespace();
        if (!take('{')) {
            return null;
        }
        skipWhitespace();
        if (pos < b.length && b[pos] == '}') {
            return null; // no device: the full parser names the missing field
        }
        while (true) {
            if (!take('"')) {
                return null;
            }
            int nameStart = pos;
            if (!skipString()) {
                return null;
            }
            int nameEnd = pos - 1;
            skipWhitespace();
            if (!take(':')) {
                return null;
            }
            skipWhitespace();
            if (!value()) {
                return null;
            }
            int field = field(nameStart, nameEnd);
            if (field >= 0) {
                if ((seen & (1 << field)) != 0) {
                    return null;
                }
                seen |= 1 << field;
            }
            switch (field) {
                case 0 -> {
                    device = deviceId();
                    if (device == null) {
                        return null;
                    }
                }
                case 1 -> {
                    time = digits(11);
                    if (time < 0 || time > MAX_EPOCH_SECONDS) {
                        return null;
                    }
                }
                case 2 -> {
                    data = payload();
                    if (data == null) {
                        return null;
                    }
                }
                case 3 -> {
                    if (absent()) {
                        seq = Uplink.NO_SEQ;
                    } else {
                        long v = digits(4);
                        if (v < 0 || v >= SigfoxCallback.SEQ_MODULUS) {
                            return null;
                        }
                        seq = (int) v;
                    }
                }
                case 4 -> {
                    if (absent()) {
                        station = null;
                    } else if (kind == STRING && end - start <= 32 && b[start] > ' ' && b[end - 1] > ' ') {
                        station = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
                    } else {
                        return null;
                    }
                }
                case 5, 6 -> {
                    Double v;
                    if (absent()) {
                        v = null;
                    } else {
                        double d = decimal();
                        if (Double.isNaN(d)) {
                            return null;
                        }
                        v = d;
                    }
                    if (field == 5) {
                        rssi = v;
                    } else {
                        snr = v;
                    }
                }
                case 7, 8 -> {
                    int flag = flag();
                    if (flag < 0) {
                        return null;
                    }
                    if (field == 7) {
                        duplicate = flag == 1;
                    } else {
                        ack = flag == 1;
                    }
                }
                default -> {
                    if (!metaValue()) {
                        return null;
                    }
                    String floatText = null;
                    if (kind == FLOAT) {
                        // The full parser keeps a DoubleNode, which writes the double's shortest form: 18.50 -> 18.5.
                        floatText = Double.toString(decimal());
                        if (floatTexts == null) {
                            floatTexts = new String[MAX_META_FIELDS];
                        }
                    }
                    if (metaFields == null) {
                        metaFields = new int[4 * 4];
                    } else if (4 * metaCount == metaFields.length && metaCount < MAX_META_FIELDS) {
                        metaFields = Arrays.copyOf(metaFields, 2 * metaFields.length);
                    }
                    if (metaCount == MAX_META_FIELDS || repeated(metaFields, metaCount, nameStart, nameEnd)) {
                        return null;
                    }
                    if (floatText != null) {
                        floatTexts[metaCount] = floatText;
                    }
                    int at = 4 * metaCount++;
                    boolean string = kind == STRING;
                    metaFields[at] = nameStart;
                    metaFields[at + 1] = nameEnd;
                    metaFields[at + 2] = string ? start - 1 : start;
                    metaFields[at + 3] = string ? end + 1 : end;
                }
            }
            skipWhitespace();
            if (take(',')) {
                skipWhitespace();
                continue;
            }
            if (take('}')) {
                break;
            }
            return null;
        }
        skipWhitespace();
        if (pos != b.length || device == null || time < 0) {
            return null;
        }
        String meta = metaCount == 0 ? null : meta(metaFields, floatTexts, metaCount);
        return new Uplink(UplinkKind.SIGFOX_DATA, tenant, integration, device, seq, time * 1000, now,
                data == null ? new byte[0] : data, List.of(new Reception(station == null ? "" : station, rssi, snr)),
                duplicate, ack, meta);
    }

    private void skipWhitespace() {
        while (pos < b.length) {
            byte c = b[pos];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    private boolean take(char c) {
        if (pos < b.length && b[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    /** Skips a string's characters and its closing quote; false on an escape, a control or non-ASCII byte. */
    private boolean skipString() {
        byte[] bytes = b;
        for (int i = pos; i < bytes.length; i++) {
            byte c = bytes[i];
            if (c == '"') {
                pos = i + 1;
                return true;
            }
            if (c < 0x20 || c == '\\') { // negative: non-ASCII
                return false;
            }
        }
        return false;
    }

    /** Reads a scalar value; false for anything this parser does not take (objects, arrays, invalid text). */
    private boolean value() {
        if (pos >= b.length) {
            return false;
        }
        byte c = b[pos];
        if (c == '"') {
            start = ++pos;
            if (!skipString()) {
                return false;
            }
            end = pos - 1;
            kind = STRING;
            return true;
        }
        start = pos;
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (literal("true")) {
            kind = TRUE;
        } else if (literal("false")) {
            kind = FALSE;
        } else if (literal("null")) {
            kind = NULL;
        } else {
            return false;
        }
        end = pos;
        return true;
    }

    private boolean literal(String word) {
        int n = word.length();
        if (pos + n > b.length) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[pos + i] != word.charAt(i)) {
                return false;
            }
        }
        if (pos + n < b.length && isWordByte(b[pos + n])) {
            return false;
        }
        pos += n;
        return true;
    }

    private static boolean isWordByte(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c < 0;
    }

    /** A JSON number without exponent: -?(0|[1-9][0-9]*)(\.[0-9]+)?. */
    private boolean number() {
        if (b[pos] == '-') {
            pos++;
        }
        int intStart = pos;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            pos++;
        }
        int intDigits = pos - intStart;
        if (intDigits == 0 || (intDigits > 1 && b[intStart] == '0')) {
            return false;
        }
        kind = INT;
        if (pos < b.length && b[pos] == '.') {
            pos++;
            int fracStart = pos;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                pos++;
            }
            if (pos == fracStart) {
                return false;
            }
            kind = FLOAT;
        }
        if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E' || isWordByte(b[pos]) || b[pos] == '.')) {
            return false;
        }
        end = pos;
        return end - start <= MAX_INT_DIGITS + 1;
    }

    private int field(int from, int to) {
        int n = to - from;
        return switch (n) {
            case 3 -> is(SNR, from) ? 6 : is(ACK, from) ? 8 : -1;
            case 4 -> is(TIME, from) ? 1 : is(DATA, from) ? 2 : is(RSSI, from) ? 5 : -1;
            case 6 -> is(DEVICE, from) ? 0 : -1;
            case 7 -> is(STATION, from) ? 4 : -1;
            case 9 -> is(SEQ_NUMBER, from) ? 3 : is(DUPLICATE, from) ? 7 : -1;
            default -> -1;
        };
    }

    private boolean is(byte[] name, int from) {
        for (int i = 0; i < name.length; i++) {
            if (b[from + i] != name[i]) {
                return false;
            }
        }
        return true;
    }

    /** 1 to 8 hex digits in a string, upper-cased; null otherwise. */
    private String deviceId() {
        int n = end - start;
        if (kind != STRING || n < 1 || n > 8) {
            return null;
        }
        byte[] id = new byte[n];
        for (int i = 0; i < n; i++) {
            byte c = b[start + i];
            if (c >= 'a' && c <= 'f') {
                c -= 'a' - 'A';
            } else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
                return null;
            }
            id[i] = c;
        }
        return new String(id, StandardCharsets.ISO_8859_1);
    }

    /** A string of an even number of hex digits (at most the Sigfox maximum), the text "null" or null; else null. */
    private byte[] payload() {
        if (kind == NULL || (kind == STRING && textIs("null"))) {
            return new byte[0];
        }
        int n = end - start;
        if (kind != STRING || (n & 1) != 0 || n > 2 * SigfoxCallback.MAX_PAYLOAD) {
            return null;
        }
        byte[] out = new byte[n / 2];
        for (int i = 0; i < n; i += 2) {
            int hi = hex(b[start + i]);
            int lo = hex(b[start + i + 1]);
            if ((hi | lo) < 0) {
                return null;
            }
            out[i / 2] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static int hex(byte c) {
        return org.valley.frame.Hex.value(c);
    }

    /** 1 to {@code max} decimal digits, bare or in a string; -1 otherwise. */
    private long digits(int max) {
        if (kind != STRING && kind != INT) {
            return -1;
        }
        int n = end - start;
        if (n < 1 || n > max) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Whether the value is one the full parser treats as absent: null, "", "null" or "N/A" in any case. */
    private boolean absent() {
        if (kind == NULL) {
            return true;
        }
        if (kind != STRING) {
            return false;
        }
        int n = end - start;
        return n == 0 || textIs("null") || (n == 3 && (b[start] | 0x20) == 'n' && b[start + 1] == '/'
                && (b[start + 2] | 0x20) == 'a');
    }

    private boolean textIs(String s) {
        if (end - start != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[start + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A plain decimal, bare or in a string, of at most 15 digits: its double, computed as m / 10^k,
     * which is exact for such m and k and so equals what Double.parseDouble gives. NaN otherwise.
     */
    private double decimal() {
        if (kind != STRING && kind != INT && kind != FLOAT) {
            return Double.NaN;
        }
        int i = start;
        boolean negative = i < end && b[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int digits = 0;
        int fraction = -1;
        int intDigits = 0;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == '.' && fraction < 0 && intDigits > 0) {
                fraction = 0;
                continue;
            }
            if (c < '0' || c > '9') {
                return Double.NaN;
            }
            m = m * 10 + (c - '0');
            digits++;
            if (fraction >= 0) {
                fraction++;
            } else {
                intDigits++;
            }
        }
        if (digits == 0 || digits > ExactDecimal.MAX_DIGITS || fraction == 0 || intDigits == 0) {
            return Double.NaN;
        }
        if (kind == INT) {
            return (double) (negative ? -m : m); // as the JSON integer's double value: "-0" is 0.0
        }
        double v = ExactDecimal.of(m, Math.max(fraction, 0));
        return negative ? -v : v;
    }

    /** 1 for true, 0 for false or absent, -1 for anything else. */
    private int flag() {
        if (kind == TRUE) {
            return 1;
        }
        if (kind == FALSE || absent()) {
            return 0;
        }
        if (kind == STRING) {
            if (textIs("true") || textIs("1")) {
                return 1;
            }
            if (textIs("false") || textIs("0")) {
                return 0;
            }
        }
        return -1;
    }

    /**
     * Whether an unknown field's value can be kept: a string, an integer other than -0 or a literal
     * (copied verbatim), or a decimal of at most 15 digits (written as its double).
     */
    private boolean metaValue() {
        return switch (kind) {
            case STRING, TRUE, FALSE, NULL -> true;
            case INT -> !(end - start == 2 && b[start] == '-' && b[start + 1] == '0');
            case FLOAT -> !Double.isNaN(decimal());
            default -> false;
        };
    }

    /** Whether an earlier metadata field has the name at [from, to). */
    private boolean repeated(int[] fields, int count, int from, int to) {
        int n = to - from;
        for (int k = 0; k < count; k++) {
            int s = fields[4 * k];
            if (fields[4 * k + 1] - s != n) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < n && same; i++) {
                same = b[s + i] == b[from + i];
            }
            if (same) {
                return true;
            }
        }
        return false;
    }

    /**
     * The metadata object: each kept field's name and value copied as written (a decimal written as
     * its double), which is how the full parser's tree writes them back; no escapes are needed in
     * what this parser accepts.
     */
    private String meta(int[] fields, String[] floatTexts, int count) {
        int length = 1 + count;
        for (int k = 0; k < count; k++) {
            int at = 4 * k;
            length += fields[at + 1] - fields[at] + 3;
            length += floatTexts != null && floatTexts[k] != null ? floatTexts[k].length() : fields[at + 3] - fields[at + 2];
        }
        byte[] out = new byte[length];
        int o = 0;
        out[o++] = '{';
        for (int k = 0; k < count; k++) {
            int at = 4 * k;
            if (k > 0) {
                out[o++] = ',';
            }
            out[o++] = '"';
            int n = fields[at + 1] - fields[at];
            System.arraycopy(b, fields[at], out, o, n);
            o += n;
            out[o++] = '"';
            out[o++] = ':';
            if (floatTexts != null && floatTexts[k] != null) {
                String text = floatTexts[k];
                for (int i = 0; i < text.length(); i++) {
                    out[o++] = (byte) text.charAt(i); // digits, '.', '-', 'E'
                }
            } else {
                n = fields[at + 3] - fields[at + 2];
                System.arraycopy(b, fields[at + 2], out, o, n);
                o += n;
            }
        }
        out[o] = '}';
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
