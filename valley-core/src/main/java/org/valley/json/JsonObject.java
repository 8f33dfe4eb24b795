package org.valley.json;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * A JSON object as the built-in codecs make one per frame: a handful of fields, put once in the
 * order they are to be written, then read a few times (written as JSON, flattened into readings,
 * shown to listeners). Two arrays instead of a {@link java.util.LinkedHashMap}'s table and one
 * entry object per field: a Sens'it frame's 13 fields took about 650 bytes that way.
 *
 * <p>Behaves as a LinkedHashMap for what codecs do with it: {@link #put} of a key already present
 * replaces its value and keeps its place; iteration follows the order of first insertion; {@code
 * equals} and {@code hashCode} are those of any {@link java.util.Map}. Lookups scan the keys, which
 * suits the few fields of a frame. Entries cannot be removed. Not thread-safe while being built;
 * safe to share once published and no longer changed.
 */
public final class JsonObject extends AbstractMap<String, Object> {

    private String[] keys;
    /** The keys' hash codes, so that a put of a new key (the usual case) compares ints, not strings. */
    private int[] hashes;
    private Object[] values;
    private int size;

    /** @param expected how many fields to make room for; more may be put */
    public JsonObject(int expected) {
        keys = new String[Math.max(expected, 1)];
        hashes = new int[keys.length];
        values = new Object[keys.length];
    }

    @Override
    public Object put(String key, Object value) {
        int hash = Objects.hashCode(key);
        int i = indexOf(key, hash);
        if (i >= 0) {
            Object previous = values[i];
            values[i] = value;
            return previous;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        hashes[size] = hash;
        values[size++] = value;
        return null;
    }

    private int indexOf(Object key, int hash) {
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash && Objects.equals(keys[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key, Objects.hashCode(key));
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key, Objects.hashCode(key)) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    /** The key of the {@code i}-th field, in insertion order. */
    public String keyAt(int i) {
        Objects.checkIndex(i, size);
        return keys[i];
    }

    /** The value of the {@code i}-th field, in insertion order. */
    public Object valueAt(int i) {
        Objects.checkIndex(i, size);
        return values[i];
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Object> action) {
        for (int i = 0; i < size; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
