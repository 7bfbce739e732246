-- Where each row came from: rest, kafka:<topic>, jdbc:<name>, s3://bucket/prefix.
alter table source_data add column origin text not null default 'rest';
-- Its place in the request that brought it (array index + 1, NDJSON/CSV line): pages keep input order.
alter table source_data add column line bigint null;

-- Transactional outbox: a row and its entry are written in one transaction; the relay publishes
-- the entry's RowIngested to conveyor.source-rows and deletes it. Parked entries are ones Kafka
-- refused for good (the reason says why); they are kept for an operator, not retried.
create table row_outbox (
    seq           bigserial primary key,
    reference_id  uuid not null references source_data (reference_id),
    parked_reason text null
);
create index row_outbox_pending_idx on row_outbox (seq) where parked_reason is null;

-- The first answer to a request sent with an Idempotency-Key, stored in the ingest's own transaction.
create table idempotent_request (
    idempotency_key text primary key,
    request         text        not null,
    status          int         not null,
    answer          text        not null,
    created_at      timestamptz not null
);
