-- The W3C trace context (traceparent) of the request that stored the row: the relay publishes the
-- row later, as part of that trace. Null when tracing is off. Conditional, so that it also applies
-- after the outbox is restructured (a restructured outbox carries its own traceparent column).
alter table if exists row_outbox add column if not exists traceparent text null;
