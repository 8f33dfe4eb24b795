package org.valley.store.embedded;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBAppender;

/**
 * Writes the readings of one decode as one row of {@code reading_sets}: the device's number, the
 * time, the frame's extended number, and aligned lists of key numbers and values. A Sens'it frame
 * makes ten readings; as ten rows of eight columns they were most of the values the store appended
 * per frame, and as one row of lists they are about a third of them (docs/decisions.md, section 16).
 *
 * <p>Numbers go in {@code nums}. When the set holds a boolean or a text value, {@code kinds} says
 * what each value is (0 number, 1 boolean stored as 0 or 1 in {@code nums}, 2 text in {@code
 * strs}, whose other elements are null); {@code strs} is null unless the set holds text, and both
 * are null when it holds numbers only, which is the usual case. Sets without text are written
 * through the appender's primitive list methods; a set with text takes its list-of-objects path,
 * which allows null elements.
 *
 * <p>Readings arrive one by one; consecutive readings of the same device, time and frame belong to
 * one set, and a set is written when a reading of another one arrives or at {@link #flush}.
 */
final class ReadingSets {

    static final byte NUMBER = 0;
    static final byte BOOLEAN = 1;
    static final byte TEXT = 2;

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
        appender.beginRow().append(batch).append(device).appendEpochMillis(ts).append(ext).append(Arrays.copyOf(keys, size));
        if (!anyBoolean && !anyText) {
            appender.append(Arrays.copyOf(nums, size)).appendNull().appendNull();
        } else if (!anyText) {
            appender.append(Arrays.copyOf(nums, size)).appendByteArray(Arrays.copyOf(kinds, size)).appendNull();
        } else {
            // text values are rare: their sets take the appender's list path, which allows null elements
            List<Double> values = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                values.add(kinds[i] == TEXT ? null : nums[i]);
            }
            appender.append(values).appendByteArray(Arrays.copyOf(kinds, size))
                    .append(Arrays.asList(Arrays.copyOf(strs, size)));
        }
        appender.endRow();
        size = 0;
        anyBoolean = false;
        anyText = false;
        return true;
    }
}
