package org.valley.store.embedded;

import java.sql.SQLException;
import java.util.Arrays;
import org.duckdb.DuckDBAppender;
import org.valley.json.Json;

/**
 * Writes the readings of one decode as one row of {@code reading_texts}: the device's number, the
 * time, the frame's extended number, and aligned lists of key numbers and values. A Sens'it frame
 * makes ten readings; as ten rows of eight columns they were most of the values the store appended
 * per frame, and as one row of lists they are about a third of them (docs/decisions.md, section 16).
 * Each list is written as its text ({@code [3,0,1]}), which DuckDB casts back to a list in the view
 * {@code reading_sets} that queries read: appending list columns cost the projection about a fifth of
 * its CPU per frame, and appending their text next to nothing (section 17).
 *
 * <p>Numbers go in {@code nums}, written as {@link Double#toString} writes them, which DuckDB reads
 * back to the same double. When the set holds a boolean or a text value, {@code kinds} says what
 * each value is (0 number, 1 boolean stored as 0 or 1 in {@code nums}, 2 text in {@code strs}, a JSON
 * array whose other elements are null, with null in {@code nums}); {@code strs} is null unless the
 * set holds text, and both are null when it holds numbers only.
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

    ReadingSets(DuckDBAppender appender) {
        this.appender = appender;
    }

    /** Adds a reading, writing the pending set first when this one belongs to another; true when it did. */
    boolean add(long batch, int deviceNo, long time, long extended, int keyNo, Object value) throws SQLException {
        boolean wrote = false;
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

    /** Writes the pending set, if any, as part of {@code batch}; true when there was one. */
    boolean flush(long batch) throws SQLException {
        if (size == 0) {
            return false;
        }
        appender.beginRow().append(batch).append(device).appendEpochMillis(ts).append(ext).append(listText(KEYS))
                .append(listText(NUMS));
        if (!anyBoolean && !anyText) {
            appender.appendNull().appendNull();
        } else {
            appender.append(listText(KINDS));
            if (anyText) {
                appender.append(Json.write(Arrays.asList(Arrays.copyOf(strs, size))));
            } else {
                appender.appendNull();
            }
        }
        appender.endRow();
        size = 0;
        anyBoolean = false;
        anyText = false;
        return true;
    }

    /** The pending set's keys, values or kinds as the text DuckDB casts to a list: {@code [a,b,c]}. */
    private String listText(int column) {
        text.setLength(0);
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
        return text.append(']').toString();
    }
}
