package org.valley.server.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.valley.server.demo.Payloads.Format;
import org.valley.space.site.Site;

/**
 * Plays a day of the demo campus through Valley's real network endpoints. Simulated time runs
 * {@code speed} times faster than real time from a given minute of the day; the {@link Occupants}
 * say who is where, and every sensor reports as its kind does: a PIR/CO2 sensor every two minutes
 * while people are in its room and every ten when it is empty, a door contact at each opening and
 * closing, a desk or seat sensor at each change and hourly, the entrance counter every five minutes.
 * Frames carry the real time they are sent at: the server's clock is never ahead of them.
 */
public final class CampusSimulator implements AutoCloseable {

    /**
     * A sensor of the campus.
     *
     * @param network {@code sigfox}, {@code lorawan}, {@code mqtt} or {@code http}
     * @param networkId its Sigfox id or devEUI (for LoRaWAN)
     * @param via for LoRaWAN, {@code ttn} or {@code chirpstack}: the network server that delivers it
     */
    public record Sensor(String id, String network, String networkId, String via, Format format, String space, String role) {}

    /** What has been sent so far. */
    public record Stats(String simulatedTime, long frames, long acknowledged, long failed, String lastFailure) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "simulated %s: frames=%d acknowledged=%d failed=%d%s", simulatedTime, frames,
                    acknowledged, failed, lastFailure == null ? "" : " (latest failure: " + lastFailure + ")");
        }
    }

    private final Site site;
    private final List<Sensor> sensors;
    private final Networks networks;
    private final SensorState[] states;
    private long day;
    private int minute;
    private Occupants occupants;
    private long frames;

    private static final class SensorState {
        int lastReport = -10_000;
        int lastPeople = -1;
        boolean lastOpen;
        long counter;
        int events;
        double co2 = 430;
        int countedUntil;
    }

    CampusSimulator(Site site, List<Sensor> sensors, Networks networks, long day, LocalTime start) {
        this.site = site;
        this.sensors = List.copyOf(sensors);
        this.networks = networks;
        this.states = new SensorState[sensors.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new SensorState();
            states[i].counter = 1 + (long) (Math.abs(sensors.get(i).id().hashCode()) % 1000);
            states[i].countedUntil = start.getHour() * 60 + start.getMinute();
        }
        this.day = day;
        this.minute = start.getHour() * 60 + start.getMinute();
        this.occupants = Occupants.of(site, day);
    }

    /** The simulated time of day. */
    public LocalTime time() {
        return LocalTime.of(minute / 60, minute % 60);
    }

    /**
     * Plays {@code minutes} simulated minutes at once (no pacing), each sensor reporting what that
     * minute calls for, stamped {@code now}; returns when every delivery has been answered.
     */
    public Stats play(int minutes, Instant now) {
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            for (int s = 0; s < sensors.size(); s++) {
                CompletableFuture<?> f = report(s, now);
                if (f != null) {
                    sent.add(f);
                    frames++;
                }
            }
            if (++minute == 24 * 60) {
                minute = 0;
                day++;
                occupants = Occupants.of(site, day);
                for (SensorState st : states) {
                    st.countedUntil = 0;
                }
            }
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return stats();
    }

    /**
     * Plays in real time at {@code speed} times real time until interrupted, printing progress every
     * simulated hour.
     */
    public void run(double speed) throws InterruptedException {
        long minuteMillis = Math.max(1, Math.round(60_000 / speed));
        long next = System.currentTimeMillis();
        while (!Thread.currentThread().isInterrupted()) {
            Stats stats = play(1, Instant.now());
            if (minute % 60 == 0) {
                System.out.println("simulator: " + stats);
            }
            next += minuteMillis;
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            } else {
                next = System.currentTimeMillis(); // behind: do not try to catch up in a burst
            }
        }
    }

    @Override
    public void close() {
        networks.close();
    }

    public int sensorCount() {
        return sensors.size();
    }

    public Stats stats() {
        return new Stats(time().toString(), frames, networks.acknowledged(), networks.failed(), networks.lastFailure());
    }

    /** What sensor {@code s} sends this minute, or null. */
    private CompletableFuture<?> report(int s, Instant now) {
        Sensor sensor = sensors.get(s);
        SensorState st = states[s];
        String role = sensor.role() == null ? "other" : sensor.role();
        int people = sensor.space() == null ? 0 : occupants.people(sensor.space(), minute);
        boolean open = doorMoves(sensor.space());
        int since = minute - st.lastReport;
        boolean due = switch (role) {
            case "motion", "co2" -> people != st.lastPeople || since >= (people > 0 ? 2 : 10);
            case "door" -> open != st.lastOpen || since >= 60;
            case "desk", "seat" -> (people > 0) != (st.lastPeople > 0) || since >= 60;
            case "counter" -> since >= 5;
            default -> since >= 15;
        };
        // CO2 follows the people in the room, a few tens of ppm a minute
        st.co2 += ((people > 0 ? 450 + 110 * people : 420) - st.co2) * 0.08;
        if (!due) {
            return null;
        }
        int in = 0;
        int out = 0;
        if (role.equals("counter")) {
            in = occupants.arrivals(st.countedUntil, minute + 1);
            out = occupants.departures(st.countedUntil, minute + 1);
            st.countedUntil = minute + 1;
        }
        if (open != st.lastOpen) {
            st.events++;
        }
        st.lastReport = minute;
        st.lastPeople = people;
        st.lastOpen = open;
        int co2 = (int) Math.round(st.co2);
        byte[] payload = switch (sensor.format()) {
            case SENSIT -> role.equals("door") ? Payloads.sensitDoor(open, 24, st.events)
                    : Payloads.sensitTemperature(21 + people * 0.3, 45, 24);
            case ELSYS -> Payloads.elsys(21.0 + people * 0.2, 42, people > 0 ? 1 + people * 2 : 0, co2);
            case VS340 -> Payloads.vs340(people > 0, 87);
            case TBDW100 -> Payloads.tbdw100(open, 22, st.events);
            case JSON -> Networks.body(Payloads.json(role, people, open, in, out, co2)).getBytes(StandardCharsets.UTF_8);
        };
        long counter = st.counter++;
        return switch (sensor.network()) {
            case "sigfox" -> networks.sigfox(sensor.networkId(), (int) (counter % 4096), payload, now);
            case "lorawan" -> "chirpstack".equals(sensor.via())
                    ? networks.chirpstack(sensor.id(), sensor.networkId(), counter, sensor.format().port(), payload, now)
                    : networks.ttn(sensor.id(), sensor.networkId(), counter, sensor.format().port(), payload, now);
            case "mqtt" -> networks.mqtt(sensor.id(), payload);
            default -> networks.http(sensor.id(), Payloads.json(role, people, open, in, out, co2));
        };
    }

    /** A door stands open in the minute somebody comes in or goes out, and is shut otherwise. */
    private boolean doorMoves(String space) {
        if (space == null) {
            return false;
        }
        for (Occupants.Stay stay : occupants.stays(space)) {
            if (stay.start() == minute || stay.end() == minute) {
                return true;
            }
        }
        return false;
    }
}
