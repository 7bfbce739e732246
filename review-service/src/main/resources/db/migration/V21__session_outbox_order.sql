-- The session event log is also the sessions' outbox (published_at null = not on the topic yet).
-- The relay sends rows in outbox_seq order, their commit order per session (the session's row lock
-- serializes its writers); occurred_at alone could tie or go back between instances' clocks.
alter table review_session_events add column outbox_seq bigserial;
drop index review_session_events_unpublished;
create index review_session_events_unpublished on review_session_events (outbox_seq) where published_at is null;
