package org.valley.server;

import io.vertx.core.transport.Transport;

/**
 * The socket I/O the edge runs on ({@code transport} in the configuration). On Linux, io_uring hands
 * the kernel a turn's reads and writes together instead of a system call each, which are a large
 * share of a small HTTP request's CPU (about half of the event loops' time on the reference machine
 * was the kernel's). {@code auto} takes io_uring when the kernel allows it (a container's seccomp
 * profile or {@code kernel.io_uring_disabled} may not), then epoll, then the JDK's own selector,
 * which works everywhere. See docs/decisions.md, section 15.
 */
final class EdgeTransport {

    private EdgeTransport() {}

    /**
     * The transport named by {@code name}.
     *
     * @throws IllegalStateException when a transport named explicitly is not available here, with the
     *     reason the native library gave
     */
    static Transport choose(String name) {
        return switch (name) {
            case "auto" -> Transport.IO_URING.available() ? Transport.IO_URING
                    : Transport.EPOLL.available() ? Transport.EPOLL : Transport.NIO;
            case "io_uring" -> available(Transport.IO_URING, name);
            case "epoll" -> available(Transport.EPOLL, name);
            case "nio" -> Transport.NIO;
            default -> throw new IllegalArgumentException("unknown transport '" + name + "'"); // ValleyConfig refuses it first
        };
    }

    /** The configuration's name of {@code transport}. */
    static String name(Transport transport) {
        return transport == Transport.IO_URING ? "io_uring" : transport == Transport.EPOLL ? "epoll" : "nio";
    }

    private static Transport available(Transport transport, String name) {
        if (!transport.available()) {
            Throwable cause = transport.unavailabilityCause();
            throw new IllegalStateException("transport " + name + " is not available on this machine"
                    + (cause == null ? "" : ": " + cause.getMessage()) + "; use auto or nio", cause);
        }
        return transport;
    }
}
