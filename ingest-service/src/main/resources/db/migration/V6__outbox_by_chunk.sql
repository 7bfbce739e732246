-- The outbox holds one entry per chunk of rows written together (one COPY: up to upload-chunk-rows
-- rows of one transaction), not one per row: a row costs no outbox tuple, key, lookup or delete.
-- The chunk's rows carry its id; the relay reads them by it (docs/decisions/09-outbox-by-chunk.md).
create table row_outbox_chunk (
    chunk_id    bigserial primary key,
    row_count   int  not null,
    -- The W3C trace context of the request or batch that stored the chunk (null when none).
    traceparent text null,
    -- An upload that publishes its rows while it streams in claims its chunks with its producer's
    -- transactional id; the relay leaves them alone until the claim is older than that producer's
    -- transactions can live (docs/decisions/09-outbox-by-chunk.md).
    claimed_by  text null,
    claimed_at  timestamptz null
);

-- Null for rows that are not ingest's to publish (read back from conveyor.source-rows, or published
-- before this version). Kept after publication: clearing it would rewrite every row.
alter table source_data add column outbox_chunk bigint null;
-- A chunk's rows share one key: btree deduplication keeps this index to a few bytes per row.
create index source_data_outbox_chunk_idx on source_data (outbox_chunk) where outbox_chunk is not null;

-- Rows Kafka refused for good (larger than the broker takes), with the reason, kept for an operator.
create table row_parked (
    reference_id uuid primary key,
    reason       text        not null,
    parked_at    timestamptz not null default now()
);

-- Entries the previous version left pending become chunks of up to 5,000 rows (per trace context).
create temporary table legacy_pending as
    select reference_id, traceparent,
           (row_number() over (partition by traceparent order by seq) - 1) / 5000 as n
    from row_outbox where parked_reason is null;
create temporary table legacy_chunk as
    select traceparent, n, nextval('row_outbox_chunk_chunk_id_seq') as chunk_id, count(*) as row_count
    from legacy_pending group by traceparent, n;
insert into row_outbox_chunk (chunk_id, row_count, traceparent)
    select chunk_id, row_count, traceparent from legacy_chunk;
update source_data d set outbox_chunk = c.chunk_id
    from legacy_pending p join legacy_chunk c on c.traceparent is not distinct from p.traceparent and c.n = p.n
    where d.reference_id = p.reference_id;
insert into row_parked (reference_id, reason)
    select reference_id, parked_reason from row_outbox where parked_reason is not null
    on conflict do nothing;
drop table legacy_chunk;
drop table legacy_pending;
-- An instance of the previous version still running fails its ingest with 503 (nothing stored)
-- instead of writing entries no relay reads any more.
drop table row_outbox;
