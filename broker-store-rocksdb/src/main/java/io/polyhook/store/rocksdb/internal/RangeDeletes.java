package io.polyhook.store.rocksdb.internal;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** Removing every record of a session: one range delete per family, point deletes where a session has one key. */
final class RangeDeletes {

    private RangeDeletes() {
    }

    /** Adds the removal of session {@code no}'s records to {@code batch}. */
    static void session(Database d, WriteBatch batch, long no) throws RocksDBException {
        byte[] from = Keys.session(no);
        byte[] to = Keys.sessionEnd(no);
        for (Column c : Column.PER_SESSION) {
            if (c == Column.SESSIONS || c == Column.WILLS) {
                batch.delete(d.handle(c), from);
            } else {
                batch.deleteRange(d.handle(c), from, to);
            }
        }
    }
}
