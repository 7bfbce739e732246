-- Rows as they came in: one row per reference_id, columns kept as a JSON object of texts.
create table source_data (
    reference_id      uuid primary key,
    source_connection text        not null,
    columns           jsonb       not null,
    batch_id          uuid        null,
    created_at        timestamptz not null
);

-- Paging through one source in arrival order.
create index source_data_source_created_idx on source_data (source_connection, created_at);

-- Per source: how many rows, and how many rows have each column (workflows are validated against it).
create table source_catalogue (
    source_connection text primary key,
    row_count         bigint      not null,
    column_counts     jsonb       not null,
    updated_at        timestamptz not null
);
