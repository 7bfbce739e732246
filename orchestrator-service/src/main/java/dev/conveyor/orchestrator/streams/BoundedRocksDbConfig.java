package dev.conveyor.orchestrator.streams;

import java.util.Map;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's memory for every store of the instance together: one block cache, which also
 * holds the memtables (write buffer manager) and index/filter blocks, shared by all stores, so
 * the native memory does not grow with the number of stores or partitions. Sizes from
 * {@code CONVEYOR_ROCKSDB_CACHE_MB} (default 64) — set by the launcher, not per store.
 */
public class BoundedRocksDbConfig implements RocksDBConfigSetter {

    private static final long TOTAL_BYTES = Long.getLong("conveyor.rocksdb.cache-mb",
            Long.parseLong(System.getenv().getOrDefault("CONVEYOR_ROCKSDB_CACHE_MB", "64"))) * 1024 * 1024;
    private static final long MEMTABLE_BYTES = TOTAL_BYTES / 2;
    private static final Cache CACHE = new LRUCache(TOTAL_BYTES, -1, false, 0.1);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(MEMTABLE_BYTES, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setMaxWriteBufferNumber(2);
        options.setWriteBufferSize(Math.min(16L * 1024 * 1024, MEMTABLE_BYTES / 4));
        options.setCompressionType(CompressionType.LZ4_COMPRESSION);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and write buffer manager are shared by every store: never closed per store
    }
}
