package org.valley.space.occupancy;

import java.util.ArrayList;
import java.util.List;

/** Compares timelines by what they say: the state, count and free places in force from each instant. */
final class TimelineAssert {

    record Point(long at, State state, int count, int freePlaces) {}

    private TimelineAssert() {}

    static Point point(long at, State state, int count, int freePlaces) {
        return new Point(at, state, count, freePlaces);
    }

    /**
     * The timeline with only its changes: of several points at one instant the last holds, and a
     * point that repeats the one before it (as a rewritten stretch starts with) says nothing new.
     */
    static List<Point> normal(List<TimelinePoint> points) {
        List<Point> byInstant = new ArrayList<>();
        for (TimelinePoint p : points) {
            Point q = new Point(p.at(), p.state(), p.count(), p.freePlaces());
            if (!byInstant.isEmpty() && byInstant.get(byInstant.size() - 1).at() == p.at()) {
                byInstant.set(byInstant.size() - 1, q);
            } else {
                byInstant.add(q);
            }
        }
        List<Point> out = new ArrayList<>();
        for (Point p : byInstant) {
            Point last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last == null || last.state() != p.state() || last.count() != p.count() || last.freePlaces() != p.freePlaces()) {
                out.add(p);
            }
        }
        return out;
    }
}
