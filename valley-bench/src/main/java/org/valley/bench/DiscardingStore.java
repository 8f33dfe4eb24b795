package org.valley.bench;

import java.util.List;
import org.valley.frame.Reception;
import org.valley.frame.Uplink;
import org.valley.store.ProjectionStore;

/**
 * A projection store that keeps nothing: the pipeline without I/O. It counts rows and folds a
 * little of each row into a checksum, so the JIT cannot drop the work that produced the row.
 */
final class DiscardingStore implements ProjectionStore {

    long rows;
    long checksum;
    long commits;

    @Override
    public Resume open() {
        return new Resume(-1, List.of());
    }

    @Override
    public void frame(long position, Uplink uplink, long extended, boolean restart) {
        rows++;
        checksum += position ^ extended ^ uplink.payload().length;
    }

    @Override
    public void reception(long position, Uplink uplink, long extended, Reception reception, boolean fromAdvanced) {
        rows++;
        checksum += reception.station().length() + (reception.rssi() == null ? 0 : 1);
    }

    @Override
    public void frameMeta(Uplink uplink, long extended) {
        rows++;
        checksum += uplink.meta() == null ? 0 : uplink.meta().length();
    }

    @Override
    public void labels(long position, Uplink uplink) {
        rows++;
        checksum += uplink.labels().length();
    }

    @Override
    public void decode(String tenant, String networkId, long extended, String deviceId, String codecId, int codecVersion,
            String decodedJson, String error, long at) {
        rows++;
        checksum += decodedJson == null ? error.length() : decodedJson.length();
    }

    @Override
    public void reading(String deviceId, long ts, String key, Object value, long extended) {
        rows++;
        checksum += key.length() + (value == null ? 0 : 1);
    }

    @Override
    public void supersedeDecode(String tenant, String networkId, long extended, String deviceId) {}

    @Override
    public void commit(long appliedPosition) {
        commits++;
    }

    @Override
    public boolean hasFrame(String tenant, String networkId, long extended) {
        return false;
    }

    @Override
    public List<StoredFrame> frames(String tenant, String networkId) {
        return List.of();
    }

    @Override
    public long rowsWritten() {
        return rows;
    }
}
