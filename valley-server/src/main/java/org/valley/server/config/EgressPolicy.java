package org.valley.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the node may connect on a tenant's behalf. Two of its outgoing connections go to addresses
 * that a tenant's own messages name: the downlink queue URL The Things Stack sends in {@code
 * X-Downlink-Push}, and an {@code mqtt-bridge}'s broker. Without a rule, a tenant key could make the
 * node reach what only the node can reach: its own loopback services, or a cloud's instance
 * metadata on a link-local address.
 *
 * <p>An address is permitted when it lies in a block of {@code egress-allow}, or in none of the
 * blocks of {@code egress-deny}. A block is a CIDR ({@code 10.0.0.0/8}, {@code fd00::/8}), a single
 * address, or one of the names {@link #NAMED}: {@code loopback}, {@code unspecified}, {@code
 * link-local}, {@code multicast}, {@code private} (RFC 1918, shared address space, unique local
 * IPv6) and {@code any}. The default denies {@code loopback}, {@code unspecified}, {@code link-local}
 * and {@code multicast} and allows nothing more, so that network servers on the campus network keep
 * working; a node whose broker runs beside it allows {@code loopback}, and an operator who wants a
 * strict list denies {@code any} and allows its blocks. An IPv4 address written in IPv6 ({@code
 * ::ffff:127.0.0.1}) is judged as the IPv4 address.
 *
 * <p>A host name is judged by every address it resolves to, and the node then connects to the
 * address it judged rather than resolving the name again, so that a name cannot pass the check with
 * one address and be reached at another.
 */
public final class EgressPolicy {

    /**
     * The name of the Vert.x worker pool that resolves destinations, of {@link #RESOLVER_THREADS}
     * threads: a name server that does not answer holds these, not the workers the API runs on.
     */
    public static final String RESOLVER_POOL = "valley-egress-resolver";

    public static final int RESOLVER_THREADS = 2;

    /** The blocks {@code egress-deny} holds unless configured. */
    public static final List<String> DEFAULT_DENY = List.of("loopback", "unspecified", "link-local", "multicast");

    /** The names a block may be given by, and what they stand for. */
    public static final Map<String, List<String>> NAMED = Map.of(
            "loopback", List.of("127.0.0.0/8", "::1/128"),
            "unspecified", List.of("0.0.0.0/8", "::/128"),
            "link-local", List.of("169.254.0.0/16", "fe80::/10"),
            "multicast", List.of("224.0.0.0/4", "ff00::/8"),
            "private", List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"),
            "any", List.of("0.0.0.0/0", "::/0"));

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final List<String> allowed;
    private final List<String> denied;
    private final List<Block> allow;
    private final List<Block> deny;

    private EgressPolicy(List<String> allowed, List<String> denied, List<Block> allow, List<Block> deny) {
        this.allowed = allowed;
        this.denied = denied;
        this.allow = allow;
        this.deny = deny;
    }

    /** The default: everything but loopback, unspecified, link-local and multicast addresses. */
    public static EgressPolicy defaults() {
        return of(List.of(), DEFAULT_DENY);
    }

    /**
     * A policy of the given blocks.
     *
     * @throws IllegalArgumentException naming the key and the entry when a block is not a CIDR, an
     *     address or a known name
     */
    public static EgressPolicy of(List<String> allow, List<String> deny) {
        return new EgressPolicy(List.copyOf(allow), List.copyOf(deny), blocks("egress-allow", allow),
                blocks("egress-deny", deny));
    }

    /** The configured {@code egress-allow} entries, as written. */
    public List<String> allowed() {
        return allowed;
    }

    /** The configured {@code egress-deny} entries, as written. */
    public List<String> denied() {
        return denied;
    }

    /** Whether the node may connect to {@code address} on a tenant's behalf. */
    public boolean permits(InetAddress address) {
        byte[] bytes = canonical(address);
        for (Block b : allow) {
            if (b.contains(bytes)) {
                return true;
            }
        }
        for (Block b : deny) {
            if (b.contains(bytes)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address to connect to for {@code host} (a name, an IPv4 address or an IPv6 address, with or
     * without brackets): the first it resolves to, once every one of them is permitted. May block on
     * name resolution; call it off the event loops.
     *
     * @throws UnknownHostException when the name does not resolve
     * @throws Refused when an address it resolves to is not permitted
     */
    public InetAddress resolve(String host) throws UnknownHostException, Refused {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (InetAddress a : addresses) {
            if (!permits(a)) {
                throw new Refused(host, a, this);
            }
        }
        return addresses[0];
    }

    @Override
    public String toString() {
        return "egress-allow " + allowed + ", egress-deny " + denied;
    }

    /** A destination the policy does not permit; its message names the address and the settings. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String host, InetAddress address, EgressPolicy policy) {
            super(describe(host, address) + " is not a destination this node connects to on a tenant's behalf ("
                    + policy + "); an operator can permit it with the egress-allow setting");
        }

        private static String describe(String host, InetAddress address) {
            String literal = address.getHostAddress();
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            return EgressPolicy.literal(bare) != null ? "address " + bare : "host '" + host + "' (" + literal + ")";
        }
    }

    /** IPv4 addresses as 4 bytes, IPv4-mapped IPv6 ones too, other IPv6 ones as 16. */
    private static byte[] canonical(InetAddress address) {
        byte[] b = address.getAddress();
        if (b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return new byte[] {b[12], b[13], b[14], b[15]};
            }
        }
        return b;
    }

    private static List<Block> blocks(String key, List<String> entries) {
        List<Block> out = new ArrayList<>();
        for (String entry : entries) {
            if (entry == null) {
                throw new IllegalArgumentException(key + " entries must be text, got null");
            }
            String e = entry.trim().toLowerCase(Locale.ROOT);
            List<String> named = NAMED.get(e);
            if (named != null) {
                named.forEach(cidr -> out.add(block(key, cidr)));
            } else {
                out.add(block(key, e));
            }
        }
        return List.copyOf(out);
    }

    private static Block block(String key, String cidr) {
        int slash = cidr.indexOf('/');
        String addressText = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] address = literal(addressText);
        if (address == null) {
            throw new IllegalArgumentException(key + " entries must be an address, a CIDR such as 10.0.0.0/8 or "
                    + "fd00::/8, or one of " + NAMED.keySet() + "; got '" + cidr + "'");
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            String prefix = cidr.substring(slash + 1);
            if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits) {
                throw new IllegalArgumentException(key + " entry '" + cidr + "' has a prefix length that is not 0.."
                        + bits);
            }
            bits = Integer.parseInt(prefix);
        }
        return new Block(address, bits);
    }

    /** The bytes of an IPv4 or IPv6 literal (IPv4-mapped ones as IPv4), or null; never a name lookup. */
    private static byte[] literal(String text) {
        if (text.indexOf(':') >= 0) {
            if (!text.matches("[0-9a-fA-F:.]+")) {
                return null;
            }
            try {
                byte[] b = InetAddress.getByName(text).getAddress(); // a colon makes it a literal: no lookup
                return b.length == 16 ? b : null;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        var m = IPV4.matcher(text);
        if (!m.matches()) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = Integer.parseInt(m.group(i + 1));
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /** The addresses whose first {@code bits} bits are those of {@code network}. */
    private record Block(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
