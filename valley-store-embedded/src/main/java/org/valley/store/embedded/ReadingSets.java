package org.valley.store.embedded;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.valley.json.Json;

/**
 * Writes the readings of one decode as one row of {@code reading_values}: the device's number, the
 * time, the frame's extended number, the set's shape, and the values aligned with the shape's keys.
 * A Sens'it frame makes ten readings; as ten rows of eight columns they were most of the values the
 * store appended per frame, and as one row of lists they are about a third of them
 * (docs/decisions.md, section 16). Each list is written as its text ({@code [3,0,1]}), which DuckDB
 * casts back to a list in the view {@code reading_sets} that queries read: appending list columns
 * cost the projection about a fifth of its CPU per frame, and appending their text next to nothing
 * (section 17).
 *
 * <p>A set's <em>shape</em> is its list of key numbers with the kind of each value. A device's codec
 * gives most of its frames the same shape, so each shape is written once, in {@code reading_shapes}
 * with a number, in the batch that first needs it (a crash drops an unfinished batch's shapes with
 * its rows), and a set's row holds that number (section 18).
 *
 * <p>Numbers go in {@code nums}, written as {@link Double#toString} writes them, which DuckDB reads
 * back to the same double. When the set holds a boolean or a text value, the shape's {@code kinds}
 * says what each value is (0 number, 1 boolean stored as 0 or 1 in {@code nums}, 2 text in {@code
 * strs}, a JSON array whose other elements are null, with null in {@code nums}); {@code strs} is null
 * unless the set holds text, and {@code kinds} is null when it holds numbers only.
 *
 * <p>Readings arrive one by one; consecutive readings of the same device, time and frame belong to
 * one set, and a set is written when a reading of another one arrives or at {@link #flush}.
 */
final class ReadingSets {

    static final byte NUMBER = 0;
    static final byte BOOLEAN = 1;
    static final byte TEXT = 2;

    /** Which list {@link #listText} writes. */
    private static final int KEYS = 0;
    private static final int NUMS = 1;
    private static final int KINDS = 2;

    private final DuckDBAppender appender;
    private final DuckDBAppender shapeAppender;
    /** Each shape's number, by the text of its keys followed by the text of its kinds when it has them. */
    private final Map<String, Integer> shapes;
    private int device = -1;
    private long ts;
    private long ext;
    private int size;
    private int[] keys = new int[16];
    private double[] nums = new double[16];
    private byte[] kinds = new byte[16];
    private String[] strs = new String[16];
    private boolean anyBoolean;
    private boolean anyText;
    private final StringBuilder text = new StringBuilder(128);

    ReadingSets(DuckDBAppender appender, DuckDBAppender shapeAppender, Map<String, Integer> shapes) {
        this.appender = appender;
        this.shapeAppender = shapeAppender;
        this.shapes = shapes;
    }

    /**
     * Adds a reading, writing the pending set first when this one belongs to another.
     *
     * @return the rows written: 0, or 1 for the set and 1 more when its shape was new
     */
    int add(long batch, int deviceNo, long time, long extended, int keyNo, Object value) throws SQLException {
        int wrote = 0;
        if (size > 0 && (deviceNo != device || time != ts || extended != ext)) {
            wrote = flush(batch);
        }
        device = deviceNo;
        ts = time;
        ext = extended;
        if (size == keys.length) {
            int grown = size * 2;
            keys = Arrays.copyOf(keys, grown);
            nums = Arrays.copyOf(nums, grown);
            kinds = Arrays.copyOf(kinds, grown);
            strs = Arrays.copyOf(strs, grown);
        }
        keys[size] = keyNo;
        switch (value) {
            case Number n -> {
                nums[size] = n.doubleValue();
                kinds[size] = NUMBER;
                strs[size] = null;
            }
            case Boolean b -> {
                nums[size] = b ? 1 : 0;
                kinds[size] = BOOLEAN;
                strs[size] = null;
                anyBoolean = true;
            }
            default -> {
                kinds[size] = TEXT;
                strs[size] = value.toString();
                anyText = true;
            }
        }
        size++;
        return wrote;
    }

    /** Writes the pending set, if any, as part of {@code batch}: the rows written, as {@link #add} counts them. */
    int flush(long batch) throws SQLException {
        if (size == 0) {
            return 0;
        }
        boolean typed = anyBoolean || anyText;
        text.setLength(0);
        listText(KEYS);
        int keysEnd = text.length();
        if (typed) {
            listText(KINDS);
        }
        String shapeKey = text.toString();
        Integer shape = shapes.get(shapeKey);
        int wrote = 1;
        if (shape == null) {
            shape = shapes.size();
            shapeAppender.beginRow().append(batch).append(shape.intValue()).append(shapeKey.substring(0, keysEnd))
                    .append(typed ? shapeKey.substring(keysEnd) : null).endRow();
            shapes.put(shapeKey, shape);
            wrote++;
        }
        text.setLength(0);
        listText(NUMS);
        appender.beginRow().append(batch).append(device).appendEpochMillis(ts).append(ext).append(shape.intValue())
                .append(text.toString());
        if (anyText) {
            appender.append(Json.write(Arrays.asList(Arrays.copyOf(strs, size))));
        } else {
            appender.appendNull();
        }
        appender.endRow();
        size = 0;
        anyBoolean = false;
        anyText = false;
        return wrote;
    }

    /** Appends the pending set's keys, values or kinds to {@link #text} as DuckDB casts text to a list: {@code [a,b,c]}. */
    private void listText(int column) {
        text.append('[');
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                text.append(',');
            }
            switch (column) {
                case KEYS -> text.append(keys[i]);
                case NUMS -> {
                    if (kinds[i] == TEXT) {
                        text.append("null");
                    } else {
                        text.append(nums[i]);
                    }
                }
                default -> text.append(kinds[i]);
            }
        }
        text.append(']');
    }
}
