package org.valley.js;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces the per-call CPU time and allocation limits of JavaScript codecs. GraalJS Community has
 * no sandbox resource limits of its own, so one daemon thread looks at every running call: the
 * first time it sees a call it notes the calling thread's CPU time and allocated bytes (from the
 * JVM's thread MXBean), and later interrupts the call's context when either has grown past the
 * limit. The calling thread pays only two volatile writes per call.
 *
 * <p>How often it looks. Every 10 ms while no call is running or every call it sees is new; every
 * 2 ms while a call it has seen before goes on, so a long call is measured closely. A call is
 * measured from the first look that sees it, so a call may run up to 12 ms past its limit. With
 * no context to watch (no JavaScript codec in use) the thread sleeps until one is created. Codec
 * calls of a few microseconds are seldom caught running, so under load the thread wakes about a
 * hundred times a second rather than five hundred: each wake-up takes a core from the event loops
 * or the projection for a moment.
 */
final class Watchdog implements Runnable {

    /** Between looks while a call seen before still runs. */
    private static final long CLOSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    /** Between looks otherwise. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final CopyOnWriteArrayList<Sandbox> sandboxes = new CopyOnWriteArrayList<>();
    private final long allocationLimit;
    private final Thread thread;
    private volatile boolean running = true;

    Watchdog(JsLimits limits) {
        this.allocationLimit = limits.allocatedBytes();
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        if (threads.isThreadAllocatedMemorySupported() && !threads.isThreadAllocatedMemoryEnabled()) {
            threads.setThreadAllocatedMemoryEnabled(true);
        }
        this.thread = Thread.ofPlatform().daemon().name("valley-js-watchdog").unstarted(this);
        thread.start();
    }

    void watch(Sandbox sandbox) {
        sandboxes.add(sandbox);
        LockSupport.unpark(thread);
    }

    void forget(Sandbox sandbox) {
        sandboxes.remove(sandbox);
    }

    @Override
    public void run() {
        long pause = IDLE_NANOS;
        while (running) {
            if (sandboxes.isEmpty()) {
                LockSupport.park(this); // until watch() or close()
                continue;
            }
            LockSupport.parkNanos(this, pause);
            boolean measuring = false;
            for (Sandbox s : sandboxes) {
                try {
                    measuring |= check(s);
                } catch (RuntimeException e) {
                    System.getLogger(Watchdog.class.getName()).log(System.Logger.Level.WARNING,
                            "JavaScript watchdog could not check a call: " + e);
                }
            }
            pause = measuring ? CLOSE_NANOS : IDLE_NANOS;
        }
    }

    /** Looks at the sandbox's call, if one runs; true when it is a call already seen, now being measured. */
    private boolean check(Sandbox s) {
        Thread runner = s.runner;
        long call = s.call;
        if (runner == null || !s.running) {
            return false;
        }
        // A context serves one thread at a time but many threads in turn: the baseline is the CPU time
        // of the thread running this call. Reading runner and call is not atomic, so a baseline may be
        // taken from the previous call's thread; it is taken again when the thread seen differs.
        if (call != s.seenCall || runner != s.seenRunner) {
            s.seenCall = call;
            s.seenRunner = runner;
            s.cpuAtStart = cpu(runner);
            s.wallAtStart = System.nanoTime();
            s.allocatedAtStart = allocated(runner);
            return false;
        }
        measure(s, runner, call);
        return true;
    }

    private void measure(Sandbox s, Thread runner, long call) {
        long cpu = cpu(runner);
        long spent = cpu >= 0 && s.cpuAtStart >= 0 ? cpu - s.cpuAtStart : System.nanoTime() - s.wallAtStart;
        long cpuLimit = s.cpuLimitNanos;
        if (spent > cpuLimit) {
            s.stop(call, "the codec used more than its CPU time limit of " + TimeUnit.NANOSECONDS.toMillis(cpuLimit)
                    + " ms" + (s.settingUp ? " while it warmed up" : " in one call"));
            return;
        }
        long allocated = allocated(runner);
        long allocationLimit = s.settingUp ? 4 * this.allocationLimit : this.allocationLimit;
        if (allocated >= 0 && s.allocatedAtStart >= 0 && allocated - s.allocatedAtStart > allocationLimit) {
            s.stop(call, "the codec allocated more than its memory limit of " + (allocationLimit >> 20) + " MiB in one call");
        }
    }

    private long cpu(Thread t) {
        return t.isVirtual() ? -1 : threads.getThreadCpuTime(t.threadId());
    }

    private long allocated(Thread t) {
        return t.isVirtual() ? -1 : threads.getThreadAllocatedBytes(t.threadId());
    }

    void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}
