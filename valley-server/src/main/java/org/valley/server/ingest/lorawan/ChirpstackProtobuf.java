package org.valley.server.ingest.lorawan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.valley.server.http.Problem;

/*
 * ChirpStack v4 events in Protobuf, read into the very JSON tree that ChirpStack's JSON encoding
 * (the Protobuf JSON mapping: camelCase names, bytes as base64, Timestamps as RFC 3339) gives, so
 * both encodings go through the same reading of fields.
 *
 * ChirpStack publishes no Java API on Maven Central, so this is a small hand-written reader of the
 * Protobuf wire format for the fields Valley reads. The schemas below carry the field numbers of
 * api/proto/integration/integration.proto, gw/gw.proto and common/common.proto of ChirpStack v4.
 * Unknown fields are skipped by wire type, as Protobuf requires, so messages of later ChirpStack
 * versions (which add fields) read the same.
 *
 * The wire format, as it matters here: a message is a sequence of (tag, value); a tag is a varint
 * holding fieldNumber << 3 | wireType. Wire type 0 is a varint, 1 eight little-endian bytes, 2 a
 * varint length then that many bytes (strings, bytes, sub-messages, map entries), 5 four
 * little-endian bytes. A repeated field repeats its tag; a map is a repeated entry message with
 * key = 1 and value = 2. Nothing is trusted: every length is checked against the bytes left.
 */

/** Reads ChirpStack v4 integration events from Protobuf into their JSON form. */
final class ChirpstackProtobuf {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 24;

    /** How one field is read. */
    private enum Type { STRING, BYTES, BOOL, UINT32, INT32, UINT64, FLOAT, DOUBLE, ENUM, TIMESTAMP, STRUCT, STRING_MAP, MESSAGE }

    /** A field of a message schema; {@code schema} for sub-messages, {@code repeated} for lists. */
    private record Field(String name, Type type, Map<Integer, Field> schema, boolean repeated) {
        static Field of(String name, Type type) {
            return new Field(name, type, null, false);
        }
    }

    private static final Map<Integer, Field> DEVICE_INFO = Map.of(
            1, Field.of("tenantId", Type.STRING),
            2, Field.of("tenantName", Type.STRING),
            3, Field.of("applicationId", Type.STRING),
            4, Field.of("applicationName", Type.STRING),
            5, Field.of("deviceProfileId", Type.STRING),
            6, Field.of("deviceProfileName", Type.STRING),
            7, Field.of("deviceName", Type.STRING),
            8, Field.of("devEui", Type.STRING),
            9, Field.of("tags", Type.STRING_MAP));
    private static final Map<Integer, Field> RX_INFO = Map.of(
            1, Field.of("gatewayId", Type.STRING),
            2, Field.of("uplinkId", Type.UINT32),
            3, Field.of("gwTime", Type.TIMESTAMP),
            17, Field.of("nsTime", Type.TIMESTAMP),
            6, Field.of("rssi", Type.INT32),
            7, Field.of("snr", Type.FLOAT),
            8, Field.of("channel", Type.UINT32),
            13, Field.of("context", Type.BYTES),
            15, Field.of("metadata", Type.STRING_MAP));
    private static final Map<Integer, Field> LORA_MODULATION = Map.of(
            1, Field.of("bandwidth", Type.UINT32),
            2, Field.of("spreadingFactor", Type.UINT32),
            5, Field.of("codeRate", Type.ENUM));
    private static final Map<Integer, Field> TX_INFO = Map.of(
            1, Field.of("frequency", Type.UINT32),
            2, new Field("modulation", Type.MESSAGE, Map.of(3, new Field("lora", Type.MESSAGE, LORA_MODULATION, false)), false));
    private static final Map<Integer, Field> LOCATION = Map.of(
            1, Field.of("latitude", Type.DOUBLE),
            2, Field.of("longitude", Type.DOUBLE),
            3, Field.of("altitude", Type.DOUBLE),
            4, Field.of("source", Type.ENUM),
            5, Field.of("accuracy", Type.FLOAT));

    private static final Field DEDUPLICATION_ID = Field.of("deduplicationId", Type.STRING);
    private static final Field TIME = Field.of("time", Type.TIMESTAMP);
    private static final Field DEVICE = new Field("deviceInfo", Type.MESSAGE, DEVICE_INFO, false);

    /** The message schema of each event, by the event's name. */
    private static final Map<String, Map<Integer, Field>> EVENTS = Map.of(
            "up", Map.ofEntries(
                    Map.entry(1, DEDUPLICATION_ID), Map.entry(2, TIME), Map.entry(3, DEVICE),
                    Map.entry(4, Field.of("devAddr", Type.STRING)), Map.entry(5, Field.of("adr", Type.BOOL)),
                    Map.entry(6, Field.of("dr", Type.UINT32)), Map.entry(7, Field.of("fCnt", Type.UINT32)),
                    Map.entry(8, Field.of("fPort", Type.UINT32)), Map.entry(9, Field.of("confirmed", Type.BOOL)),
                    Map.entry(10, Field.of("data", Type.BYTES)), Map.entry(11, Field.of("object", Type.STRUCT)),
                    Map.entry(12, new Field("rxInfo", Type.MESSAGE, RX_INFO, true)),
                    Map.entry(13, new Field("txInfo", Type.MESSAGE, TX_INFO, false))),
            "join", Map.of(1, DEDUPLICATION_ID, 2, TIME, 3, DEVICE, 4, Field.of("devAddr", Type.STRING)),
            "ack", Map.of(1, DEDUPLICATION_ID, 2, TIME, 3, DEVICE, 4, Field.of("queueItemId", Type.STRING),
                    5, Field.of("acknowledged", Type.BOOL), 6, Field.of("fCntDown", Type.UINT32)),
            "txack", Map.of(1, Field.of("downlinkId", Type.UINT32), 2, TIME, 3, DEVICE,
                    4, Field.of("queueItemId", Type.STRING), 5, Field.of("fCntDown", Type.UINT32),
                    6, Field.of("gatewayId", Type.STRING)),
            "log", Map.of(1, TIME, 2, DEVICE, 3, Field.of("level", Type.ENUM), 4, Field.of("code", Type.ENUM),
                    5, Field.of("description", Type.STRING), 6, Field.of("context", Type.STRING_MAP)),
            "status", Map.of(1, DEDUPLICATION_ID, 2, TIME, 3, DEVICE, 5, Field.of("margin", Type.INT32),
                    6, Field.of("externalPowerSource", Type.BOOL), 7, Field.of("batteryLevelUnavailable", Type.BOOL),
                    8, Field.of("batteryLevel", Type.FLOAT)),
            "location", Map.of(1, DEDUPLICATION_ID, 2, TIME, 3, DEVICE,
                    4, new Field("location", Type.MESSAGE, LOCATION, false)),
            "integration", Map.of(1, DEDUPLICATION_ID, 2, TIME, 3, DEVICE, 4, Field.of("integrationName", Type.STRING),
                    5, Field.of("eventType", Type.STRING), 6, Field.of("object", Type.STRUCT)));

    private final byte[] bytes;
    private int at;

    private ChirpstackProtobuf(byte[] bytes) {
        this.bytes = bytes;
    }

    /** True when Valley reads this event in Protobuf. */
    static boolean knows(String event) {
        return EVENTS.containsKey(event);
    }

    /**
     * Reads the Protobuf body of a ChirpStack {@code event} into its JSON form.
     *
     * @throws Problem naming the field when the bytes are not a valid message
     */
    static ObjectNode read(String event, byte[] body) {
        Map<Integer, Field> schema = EVENTS.get(event);
        if (schema == null) {
            throw Problem.invalid("event", "parameter 'event' must be one of " + EVENTS.keySet() + ", got '" + event + "'");
        }
        ChirpstackProtobuf reader = new ChirpstackProtobuf(body);
        return reader.message(body.length, schema, "", 0);
    }

    private ObjectNode message(int end, Map<Integer, Field> schema, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw corrupt(path, "nests deeper than " + MAX_DEPTH + " messages");
        }
        ObjectNode out = NODES.objectNode();
        while (at < end) {
            long tag = varint(end, path + "tag");
            int number = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            Field field = schema.get(number);
            if (number == 0) {
                throw corrupt(path, "has a field number 0");
            }
            if (field == null) {
                skip(wire, end, path + "#" + number);
                continue;
            }
            String name = path + field.name();
            JsonNode value = value(field, wire, end, name, depth);
            if (field.repeated()) {
                JsonNode list = out.get(field.name());
                (list == null ? out.putArray(field.name()) : (ArrayNode) list).add(value);
            } else if (field.type() == Type.STRING_MAP && out.has(field.name())) {
                ((ObjectNode) out.get(field.name())).setAll((ObjectNode) value);
            } else if (field.type() == Type.STRUCT && out.has(field.name())) {
                ((ObjectNode) out.get(field.name())).setAll((ObjectNode) value);
            } else {
                out.set(field.name(), value);
            }
        }
        if (at != end) {
            throw corrupt(path, "overruns its enclosing message");
        }
        return out;
    }

    private JsonNode value(Field field, int wire, int end, String path, int depth) {
        int expected = switch (field.type()) {
            case BOOL, UINT32, ENUM, INT32, UINT64 -> 0;
            case DOUBLE -> 1;
            case FLOAT -> 5;
            default -> 2;
        };
        if (wire != expected) {
            throw corrupt(path, "has wire type " + wire + " where " + expected + " is expected");
        }
        return switch (field.type()) {
            case STRING -> NODES.textNode(string(end, path));
            case BYTES -> NODES.textNode(Base64.getEncoder().encodeToString(slice(end, path)));
            case BOOL -> NODES.booleanNode(varint(end, path) != 0);
            case UINT32, ENUM -> NODES.numberNode(varint(end, path) & 0xFFFF_FFFFL);
            case INT32 -> NODES.numberNode((int) varint(end, path));
            case UINT64 -> NODES.numberNode(varint(end, path));
            case FLOAT -> NODES.numberNode((double) Float.intBitsToFloat((int) fixed(4, end, path)));
            case DOUBLE -> NODES.numberNode(Double.longBitsToDouble(fixed(8, end, path)));
            case TIMESTAMP -> timestamp(end, path);
            case STRUCT -> struct(end, path, depth + 1);
            case STRING_MAP -> stringMapEntry(end, path);
            case MESSAGE -> message(enter(end, path), field.schema(), path + ".", depth + 1);
        };
    }

    /** Checks the wire type of a field inside a well-known message. */
    private static void wire(int actual, int expected, String path) {
        if (actual != expected) {
            throw corrupt(path, "has wire type " + actual + " where " + expected + " is expected");
        }
    }

    /** Reads the fields of a message that ends at {@code stop}; a field {@code reader} does not take is skipped. */
    private void fields(int stop, String path, FieldReader reader) {
        while (at < stop) {
            long tag = varint(stop, path);
            int number = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (!reader.read(number, wire)) {
                skip(wire, stop, path);
            }
        }
    }

    /** Reads one field of a well-known message; false when it is not one it knows (then it is skipped). */
    @FunctionalInterface
    private interface FieldReader {
        boolean read(int number, int wire);
    }

    /** Reads the length of a sub-message and returns where it ends. */
    private int enter(int end, String path) {
        int length = length(end, path);
        return at + length;
    }

    private JsonNode timestamp(int end, String path) {
        int stop = enter(end, path);
        long[] parts = new long[2];
        fields(stop, path, (number, wire) -> {
            if ((number == 1 || number == 2) && wire == 0) {
                parts[number - 1] = varint(stop, path + (number == 1 ? ".seconds" : ".nanos"));
                return true;
            }
            return false;
        });
        long seconds = parts[0];
        long nanos = (int) parts[1];
        if (seconds < -62_135_596_800L || seconds > 253_402_300_799L || nanos < 0 || nanos > 999_999_999) {
            throw corrupt(path, "is not a valid timestamp");
        }
        return NODES.textNode(Instant.ofEpochSecond(seconds, nanos).toString());
    }

    /** One entry of a {@code map<string, string>}, as a one-member object. */
    private JsonNode stringMapEntry(int end, String path) {
        int stop = enter(end, path);
        String[] entry = {"", ""};
        fields(stop, path, (number, wire) -> {
            if ((number == 1 || number == 2) && wire == 2) {
                entry[number - 1] = string(stop, path + (number == 1 ? ".key" : ".value"));
                return true;
            }
            return false;
        });
        ObjectNode out = NODES.objectNode();
        out.put(entry[0], entry[1]);
        return out;
    }

    /** A {@code google.protobuf.Struct}: {@code map<string, Value> fields = 1}. */
    private ObjectNode struct(int end, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw corrupt(path, "nests deeper than " + MAX_DEPTH + " values");
        }
        int stop = enter(end, path);
        ObjectNode out = NODES.objectNode();
        fields(stop, path, (number, wire) -> {
            if (number != 1 || wire != 2) {
                return false;
            }
            int entryStop = enter(stop, path);
            String[] key = {""};
            JsonNode[] value = {NODES.nullNode()};
            fields(entryStop, path, (n, w) -> {
                if (n == 1 && w == 2) {
                    key[0] = string(entryStop, path + ".key");
                    return true;
                }
                if (n == 2 && w == 2) {
                    value[0] = structValue(entryStop, path + "." + key[0], depth + 1);
                    return true;
                }
                return false;
            });
            out.set(key[0], value[0]);
            return true;
        });
        return out;
    }

    /** A {@code google.protobuf.Value}: null 1, number 2, string 3, bool 4, struct 5, list 6. */
    private JsonNode structValue(int end, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw corrupt(path, "nests deeper than " + MAX_DEPTH + " values");
        }
        int stop = enter(end, path);
        JsonNode[] value = {NODES.nullNode()};
        fields(stop, path, (number, wire) -> {
            switch (number) {
                case 1 -> {
                    wire(wire, 0, path);
                    varint(stop, path);
                    value[0] = NODES.nullNode();
                }
                case 2 -> {
                    wire(wire, 1, path);
                    value[0] = NODES.numberNode(Double.longBitsToDouble(fixed(8, stop, path)));
                }
                case 3 -> {
                    wire(wire, 2, path);
                    value[0] = NODES.textNode(string(stop, path));
                }
                case 4 -> {
                    wire(wire, 0, path);
                    value[0] = NODES.booleanNode(varint(stop, path) != 0);
                }
                case 5 -> {
                    wire(wire, 2, path);
                    value[0] = struct(stop, path, depth + 1);
                }
                case 6 -> {
                    wire(wire, 2, path);
                    int listStop = enter(stop, path);
                    ArrayNode list = NODES.arrayNode();
                    fields(listStop, path, (n, w) -> {
                        if (n != 1 || w != 2) {
                            return false;
                        }
                        list.add(structValue(listStop, path + "[" + list.size() + "]", depth + 1));
                        return true;
                    });
                    value[0] = list;
                }
                default -> {
                    return false;
                }
            }
            return true;
        });
        return value[0];
    }

    private long varint(int end, String path) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at >= end) {
                throw corrupt(path, "ends inside a varint");
            }
            int b = bytes[at++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw corrupt(path, "has a varint longer than 10 bytes");
    }

    private long fixed(int size, int end, String path) {
        if (end - at < size) {
            throw corrupt(path, "needs " + size + " bytes but " + (end - at) + " are left");
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value |= (long) (bytes[at++] & 0xFF) << (8 * i);
        }
        return value;
    }

    /** Reads a length and checks it against the bytes left; {@code at} is then where the bytes start. */
    private int length(int end, String path) {
        long length = varint(end, path);
        if (length < 0 || length > end - at) {
            throw corrupt(path, "declares " + length + " bytes but " + (end - at) + " are left");
        }
        return (int) length;
    }

    private byte[] slice(int end, String path) {
        int length = length(end, path);
        byte[] out = java.util.Arrays.copyOfRange(bytes, at, at + length);
        at += length;
        return out;
    }

    private String string(int end, String path) {
        byte[] raw = slice(end, path);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw corrupt(path, "is not valid UTF-8");
        }
    }

    private void skip(int wire, int end, String path) {
        switch (wire) {
            case 0 -> varint(end, path);
            case 1 -> fixed(8, end, path);
            case 2 -> {
                int length = length(end, path);
                at += length;
            }
            case 5 -> fixed(4, end, path);
            default -> throw corrupt(path, "has wire type " + wire + ", which Protobuf 3 does not use");
        }
    }

    private static Problem corrupt(String path, String rule) {
        String field = path.isEmpty() ? "body" : path;
        return Problem.invalid(field, "the Protobuf body is not a valid ChirpStack event: '" + field + "' " + rule);
    }
}
