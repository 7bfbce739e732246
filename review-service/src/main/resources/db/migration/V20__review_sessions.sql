-- Dataset review sessions (issue 7). The event log is the truth (also on the Kafka topic
-- conveyor.review-session-events); review_sessions is its materialized view: one JSON document
-- per session plus the columns that queries and locks need.
create table review_sessions (
    session_id      uuid        primary key,
    user_id         text        not null,
    version         bigint      not null,
    status          text        not null,
    readiness_state text        not null,
    updated_at      timestamptz not null,
    document        jsonb       not null
);
create index review_sessions_owner on review_sessions (user_id);

-- who besides the owner may see a session (the collaborators), for listing
create table review_session_members (
    session_id uuid not null references review_sessions (session_id) on delete cascade,
    user_id    text not null,
    role       text not null,
    primary key (session_id, user_id)
);
create index review_session_members_user on review_session_members (user_id);

create table review_session_events (
    event_id     uuid        primary key,
    session_id   uuid        not null,
    seq          bigint      not null,
    type         text        not null,
    actor        text        not null,
    payload      jsonb       not null,
    occurred_at  timestamptz not null,
    -- null until the broker acknowledged it; the relay publishes what a crash left behind
    published_at timestamptz,
    unique (session_id, seq)
);
create index review_session_events_unpublished on review_session_events (occurred_at) where published_at is null;

-- the bytes of exports; storage_ref = postgres:review_session_exports/<artifact_id>
create table review_session_exports (
    artifact_id uuid        primary key,
    session_id  uuid        not null,
    media_type  text        not null,
    file_name   text        not null,
    content     bytea       not null,
    created_at  timestamptz not null
);
