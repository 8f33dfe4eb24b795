package org.valley.space.occupancy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.valley.device.Device;
import org.valley.space.Role;
import org.valley.space.site.Site;
import org.valley.space.site.Space;

/**
 * What one unit of occupancy is made of: a top-level space, its places (a nap room's pods) and the
 * devices bound to each, with the rules of its site. Immutable, shared by every copy of the unit's
 * estimator. A unit is the grain of ordering: its readings are applied in time order, and a late
 * one replays the unit.
 */
final class UnitLayout {

    final String siteId;
    /** [0] the space, [1..] its places. */
    final String[] spaceIds;
    final long[] holdOff;
    final String[] slotDevice;
    final Role[] slotRole;
    final String[] slotKey;
    /** The silence after which the slot is stale: three reporting intervals, in ms. */
    final long[] slotStale;
    final int[] slotSpace;
    final ZoneId zone;
    final LocalTime emptyHour;
    final boolean hasCounter;

    private UnitLayout(String siteId, String[] spaceIds, long[] holdOff, List<Device> devices, List<Integer> spaceOf,
            Site site) {
        this.siteId = siteId;
        this.spaceIds = spaceIds;
        this.holdOff = holdOff;
        int n = devices.size();
        slotDevice = new String[n];
        slotRole = new Role[n];
        slotKey = new String[n];
        slotStale = new long[n];
        slotSpace = new int[n];
        boolean counter = false;
        for (int i = 0; i < n; i++) {
            Device d = devices.get(i);
            slotDevice[i] = d.id();
            slotRole[i] = Role.of(d.role());
            slotKey[i] = d.roleKey();
            slotStale[i] = 3 * site.reportingInterval(slotRole[i]).toMillis();
            slotSpace[i] = spaceOf.get(i);
            counter |= slotRole[i] == Role.COUNTER;
        }
        this.zone = site.timezone();
        this.emptyHour = site.emptyHour();
        this.hasCounter = counter;
    }

    /**
     * The layout of {@code space} (a top-level space of {@code site}) with the devices among
     * {@code bound} whose binding names it or one of its places and whose role is known.
     */
    static UnitLayout of(Site site, Space space, Iterable<Device> bound) {
        int n = 1 + space.places().size();
        String[] ids = new String[n];
        long[] holdOff = new long[n];
        ids[0] = space.id();
        holdOff[0] = site.holdOff(space).toMillis();
        for (int i = 1; i < n; i++) {
            Space place = space.places().get(i - 1);
            ids[i] = place.id();
            holdOff[i] = site.holdOff(place).toMillis();
        }
        List<Device> devices = new ArrayList<>();
        List<Integer> spaceOf = new ArrayList<>();
        for (Device d : bound) {
            if (d.space() == null || Role.of(d.role()) == null) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (ids[i].equals(d.space())) {
                    devices.add(d);
                    spaceOf.add(i);
                }
            }
        }
        // a stable order, so that two layouts of the same bindings behave alike whatever the directory's order
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            order.add(i);
        }
        order.sort((x, y) -> devices.get(x).id().compareTo(devices.get(y).id()));
        List<Device> sorted = new ArrayList<>();
        List<Integer> sortedSpace = new ArrayList<>();
        for (int i : order) {
            sorted.add(devices.get(i));
            sortedSpace.add(spaceOf.get(i));
        }
        return new UnitLayout(site.id(), ids, holdOff, sorted, sortedSpace, site);
    }

    boolean container() {
        return spaceIds.length > 1;
    }

    int slots() {
        return slotDevice.length;
    }

    /** The slot of {@code deviceId}, or -1. */
    int slot(String deviceId) {
        for (int i = 0; i < slotDevice.length; i++) {
            if (slotDevice[i].equals(deviceId)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the binding of every device is as in this layout. */
    boolean binds(Device d) {
        int s = slot(d.id());
        return s >= 0 && spaceIds[slotSpace[s]].equals(d.space()) && slotRole[s] == Role.of(d.role())
                && java.util.Objects.equals(slotKey[s], d.roleKey());
    }

    /** The first daily reset (the site's empty hour, local time) strictly after {@code after}. */
    long nextReset(long after) {
        ZonedDateTime at = Instant.ofEpochMilli(after).atZone(zone);
        ZonedDateTime candidate = at.toLocalDate().atTime(emptyHour).atZone(zone);
        while (candidate.toInstant().toEpochMilli() <= after) {
            candidate = candidate.toLocalDate().plusDays(1).atTime(emptyHour).atZone(zone);
        }
        return candidate.toInstant().toEpochMilli();
    }
}
