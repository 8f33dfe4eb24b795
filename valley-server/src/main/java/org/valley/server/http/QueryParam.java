package org.valley.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One parameter of a request's query string, read without decoding the others. The ingest paths
 * need one or two (an integration's {@code key}, ChirpStack's {@code event}) on every callback;
 * the server's full decoding of every parameter into a map took about 5 % of an event loop's time
 * under Sigfox load. Same rules as that decoding: {@code &} and {@code ;} separate parameters, a
 * name without {@code =} has the empty value, the first occurrence wins, and values are
 * percent-decoded as UTF-8 with {@code +} for a space.
 */
public final class QueryParam {

    private QueryParam() {}

    /**
     * The value of {@code name} in {@code query} (the part of the URI after {@code ?}, without it),
     * or null when absent.
     *
     * @throws Problem naming the parameter when its value is not valid percent-encoding
     */
    public static String get(String query, String name) {
        if (query == null) {
            return null;
        }
        int length = query.length();
        int n = name.length();
        int at = 0;
        while (at <= length) {
            int end = at;
            while (end < length && query.charAt(end) != '&' && query.charAt(end) != ';') {
                end++;
            }
            if (named(query, at, end, name)) {
                if (at + n == end) {
                    return "";
                }
                if (query.charAt(at + n) == '=') {
                    return decode(query, at + n + 1, end, name);
                }
            }
            at = end + 1;
        }
        return null;
    }

    /** Whether the parameter at [{@code at}, {@code end}) starts with {@code name} (a few characters: compared inline). */
    private static boolean named(String query, int at, int end, String name) {
        int n = name.length();
        if (end - at < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (query.charAt(at + i) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String decode(String query, int from, int to, String name) {
        for (int i = from; i < to; i++) {
            char c = query.charAt(i);
            if (c == '%' || c == '+') {
                try {
                    return URLDecoder.decode(query.substring(from, to), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw Problem.invalid(name, "query parameter '" + name + "' is not valid percent-encoding");
                }
            }
        }
        return query.substring(from, to);
    }
}
