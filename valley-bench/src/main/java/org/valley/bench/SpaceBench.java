package org.valley.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.valley.server.spaces.Availability;
import org.valley.server.spaces.SpaceDirectory;
import org.valley.space.SpaceKind;
import org.valley.space.booking.Bookings;
import org.valley.space.occupancy.OccupancyEngine;
import org.valley.space.occupancy.SpaceStatus;

/**
 * Spaces at scale, sampled per call (p50, p99 from JMH's sample mode):
 *
 * <ul>
 *   <li>{@code availability*}: the query behind {@code GET /api/v1/availability} over a campus of
 *       10,000 spaces (about 60 % free, 1,000 booked ahead): meeting rooms of at least 4 seats with a
 *       screen, free for 30 minutes; and the widest query, every free space, sorted;
 *   <li>{@code readingToState}: a decoded reading handed to the occupancy engine until the space's
 *       live status holds the new state, in the engine and in the space's live holder the
 *       availability query reads (a desk sensor flipping occupied / free each call).
 * </ul>
 *
 * <pre>{@code
 * java -jar valley-bench/target/benchmarks.jar SpaceBench
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpaceBench {

    @Param({"10000"})
    int spaces;

    private SpaceCampus campus;
    private SpaceDirectory directory;
    private Bookings bookings;
    private Availability.Query rooms;
    private Availability.Query everything;
    private int desk;
    private boolean occupied;

    @Setup
    public void setUp() {
        SpaceDirectory[] ready = new SpaceDirectory[1];
        // as the node does: each change of a space's status goes to its live holder
        campus = new SpaceCampus(spaces, new OccupancyEngine.Listener() {
            @Override
            public void changed(SpaceStatus status) {
                if (ready[0] != null) {
                    ready[0].space(status.spaceId()).live().status(status);
                }
            }

            @Override
            public void rebuildNeeded(String spaceId, long from) {}
        });
        directory = SpaceDirectory.of(List.of(campus.site));
        for (SpaceDirectory.Entry e : directory.spacesOf(SpaceCampus.TENANT)) {
            e.live().status(campus.engine.status(e.id()));
        }
        ready[0] = directory;
        for (int i = 0; i < spaces; i++) {
            campus.reading(i, i % 5 < 2); // 40 % occupied
        }
        bookings = new Bookings(new SpaceCampus.NullSpaceStore(), new Bookings.Spaces() {
            @Override
            public SpaceStatus status(String spaceId) {
                return campus.engine.status(spaceId);
            }

            @Override
            public Duration grace(String spaceId) {
                return Duration.ofMinutes(10);
            }
        }, campus.clock, b -> directory.space(b.space()).live().bookings(bookings.activeOf(List.of(b.space()))));
        Instant now = Instant.ofEpochMilli(campus.now.get());
        for (int i = 0; i < spaces; i += spaces / 1_000) {
            Instant start = now.plus(Duration.ofMinutes(15 + (i * 13L) % 240));
            bookings.create(SpaceCampus.spaceId(i), "campus", start, start.plus(Duration.ofHours(1)), "bench");
        }
        rooms = new Availability.Query(null, SpaceKind.MEETING_ROOM, 4, null, List.of("screen"), Duration.ofMinutes(30), 100);
        everything = new Availability.Query(null, null, null, null, null, null, 10_000);
        desk = 0;
    }

    @Benchmark
    public List<Availability.Free> availabilityRooms() {
        return Availability.find(directory.spacesOf(SpaceCampus.TENANT, rooms.kind()), rooms, campus.now.get());
    }

    @Benchmark
    public List<Availability.Free> availabilityEverything() {
        return Availability.find(directory.spacesOf(SpaceCampus.TENANT), everything, campus.now.get());
    }

    @Benchmark
    public org.valley.space.occupancy.State readingToState() {
        desk = (desk + 10) % spaces; // every tenth space is a desk: i % 10 == 0
        occupied = !occupied;
        campus.now.addAndGet(1_000);
        campus.reading(desk, occupied);
        org.valley.space.occupancy.State s = directory.space(SpaceCampus.spaceId(desk)).live().status().state();
        if ((s == org.valley.space.occupancy.State.OCCUPIED) != occupied) {
            throw new IllegalStateException("the reading did not reach the state: " + s);
        }
        return s;
    }
}
