-- Dataset review sessions keep their two big lists as one row per entry, so that a command writes
-- what it changed (one field edit = one field row) instead of the whole session's document
-- (docs/decisions/07-session-storage-by-entry.md). review_sessions.document keeps everything else.
-- Rows are keyed by their position in the session's list (the API's order); the id is kept beside
-- it for reading the table by hand.
create table review_session_fields (
    session_id uuid  not null references review_sessions (session_id) on delete cascade,
    position   int   not null,
    field_id   text,
    entry      jsonb not null,
    primary key (session_id, position)
);

create table review_session_findings (
    session_id uuid  not null references review_sessions (session_id) on delete cascade,
    position   int   not null,
    finding_id text,
    entry      jsonb not null,
    primary key (session_id, position)
);

-- existing sessions: move their lists out of the document, in order
insert into review_session_fields (session_id, position, field_id, entry)
select s.session_id, (e.ord - 1)::int, e.entry ->> 'field_id', e.entry
  from review_sessions s,
       jsonb_array_elements(coalesce(s.document -> 'fields', '[]'::jsonb)) with ordinality as e(entry, ord);

insert into review_session_findings (session_id, position, finding_id, entry)
select s.session_id, (e.ord - 1)::int, e.entry ->> 'finding_id', e.entry
  from review_sessions s,
       jsonb_array_elements(coalesce(s.document -> 'findings', '[]'::jsonb)) with ordinality as e(entry, ord);

update review_sessions set document = document - 'fields' - 'findings';
