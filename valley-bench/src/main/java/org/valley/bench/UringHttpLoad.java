package org.valley.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link HttpLoad}'s load on Netty's io_uring transport: the same keep-alive connections with one
 * request in flight each, the same open and closed loops and the same accounting, but the reads and
 * writes of a whole event-loop turn go to the kernel in one {@code io_uring_enter} instead of a
 * system call each. On the 2-core reference machine the generator shares the cores with the server
 * under test, so whatever it saves, the server gets: it spent 7–11 µs of CPU per request there,
 * against 11–19 µs for the raw-NIO one.
 *
 * <p>Everything runs on one event-loop thread: the phase's state is touched by nothing else while
 * the phase runs, and {@link #run} waits for it to end.
 */
final class UringHttpLoad implements RequestLoad {

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int IN_CAPACITY = 16 * 1024;

    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Conn[] conns;
    private final InetSocketAddress address;
    private Phase phase;

    /** One connection: its channel and the answer read so far. */
    private final class Conn extends ChannelInboundHandlerAdapter {
        Channel channel;
        final byte[] in = new byte[IN_CAPACITY];
        int inLength;
        boolean busy;
        long tag;
        long startNanos;
        long sentNanos;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                int n = Math.min(buf.readableBytes(), in.length - inLength);
                buf.readBytes(in, inLength, n);
                inLength += n;
            } finally {
                buf.release();
            }
            int status = HttpLoad.answer(in, inLength);
            if (status != 0) {
                inLength = 0;
                if (phase != null && busy) {
                    phase.answered(this, status);
                } else if (status < 0) {
                    ctx.close();
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel && phase != null) {
                phase.broken(this);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    UringHttpLoad(InetSocketAddress address, int connections) throws IOException {
        if (!IoUring.isAvailable()) {
            throw new IOException("io_uring is not available here", IoUring.unavailabilityCause());
        }
        this.group = new MultiThreadIoEventLoopGroup(1, IoUringIoHandler.newFactory());
        this.loop = group.next();
        this.address = address;
        this.bootstrap = new Bootstrap().group(loop).channel(IoUringSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true).remoteAddress(address);
        this.conns = new Conn[connections];
        try {
            for (int i = 0; i < connections; i++) {
                conns[i] = new Conn();
                connect(conns[i]).sync();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("connecting to " + address + " failed", e);
        }
    }

    private ChannelFuture connect(Conn c) {
        c.inLength = 0;
        c.busy = false;
        ChannelFuture f = bootstrap.clone().handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(c);
            }
        }).connect();
        c.channel = f.channel();
        return f;
    }

    @Override
    public String name() {
        return "io_uring (Netty)";
    }

    @Override
    public HttpLoad.Result run(String target, Uplinks traffic, double seconds, double rate, boolean book)
            throws IOException {
        CompletableFuture<HttpLoad.Result> done = new CompletableFuture<>();
        loop.execute(() -> {
            phase = new Phase(target, traffic, seconds, rate, book, done);
            phase.start();
        });
        try {
            return done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("the load phase failed", e.getCause());
        }
    }

    /** One phase's state, on the event loop. */
    private final class Phase {
        final PostRequest request;
        final Uplinks traffic;
        final double seconds;
        final double rate;
        final boolean book;
        final CompletableFuture<HttpLoad.Result> done;
        final ArrayDeque<Conn> idle = new ArrayDeque<>(conns.length);
        long start;
        long end;
        PhaseTally tally;
        int busy;
        long epochSeconds;
        long nextClockCheck;
        ScheduledFuture<?> ticker;

        Phase(String target, Uplinks traffic, double seconds, double rate, boolean book,
                CompletableFuture<HttpLoad.Result> done) {
            this.request = new PostRequest(target, address.getHostString(), address.getPort());
            this.traffic = traffic;
            this.seconds = seconds;
            this.rate = rate;
            this.book = book;
            this.done = done;
        }

        void start() {
            for (Conn c : conns) {
                if (c.busy) {
                    busy++;
                } else if (c.channel.isActive()) {
                    idle.add(c);
                } else {
                    reconnect(c);
                }
            }
            start = System.nanoTime();
            end = start + (long) (seconds * 1e9);
            tally = new PhaseTally(traffic, book, start, end);
            nextClockCheck = start;
            // an open loop sends what is due every millisecond; both loops check for their end
            ticker = loop.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.MILLISECONDS);
            pump(start);
        }

        void tick() {
            long now = System.nanoTime();
            pump(now);
            if (now >= end && (busy == 0 || now - end > DRAIN_NANOS)) {
                finish();
            }
        }

        void pump(long now) {
            if (now >= end || done.isDone()) {
                return;
            }
            if (now >= nextClockCheck) {
                epochSeconds = System.currentTimeMillis() / 1000;
                nextClockCheck = now + 100_000_000L;
            }
            while (!idle.isEmpty()) {
                long due = HttpLoad.due(start, tally.sent, rate, now);
                if (due < 0) {
                    break;
                }
                Conn c = idle.poll();
                long tag = traffic.next(epochSeconds);
                if (traffic.target() != null) {
                    throw new IllegalArgumentException("the io_uring generator sends to one target a phase; use the raw-NIO one");
                }
                request.write(traffic.bodyArray(), traffic.bodyLength());
                send(c, tag, due, now);
                tally.sent++;
            }
        }

        private void send(Conn c, long tag, long startNanos, long now) {
            ByteBuf out = c.channel.alloc().directBuffer(request.length()).writeBytes(request.bytes(), 0, request.length());
            c.busy = true;
            c.tag = tag;
            c.startNanos = startNanos;
            c.sentNanos = now;
            busy++;
            // the transport queues the write in its ring; the kernel gets the turn's writes together
            c.channel.writeAndFlush(out, c.channel.voidPromise());
        }

        void answered(Conn c, int status) {
            long now = System.nanoTime();
            c.busy = false;
            busy--;
            if (status < 0) {
                tally.failed++;
                c.channel.close();
                return; // channelInactive reconnects it
            }
            tally.answered(status, c.tag, c.startNanos, c.sentNanos, now);
            idle.add(c);
            if (rate <= 0) {
                pump(now);
            } else if (now >= end && busy == 0) {
                finish();
            }
        }

        void broken(Conn c) {
            if (c.busy) {
                c.busy = false;
                busy--;
                tally.failed++;
            }
            idle.remove(c);
            if (!done.isDone()) {
                reconnect(c);
            }
        }

        private void reconnect(Conn c) {
            connect(c).addListener(f -> {
                if (f.isSuccess() && phase == this && !done.isDone()) {
                    idle.add(c);
                }
            });
        }

        void finish() {
            if (done.isDone()) {
                return;
            }
            ticker.cancel(false);
            long unanswered = 0;
            for (Conn c : conns) {
                if (c.busy) {
                    unanswered++;
                    c.busy = false;
                    c.inLength = 0;
                    c.channel.close();
                }
            }
            busy = 0;
            done.complete(tally.result(seconds, rate, unanswered));
        }
    }

    @Override
    public void close() {
        for (Conn c : conns) {
            if (c != null && c.channel != null) {
                c.channel.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
