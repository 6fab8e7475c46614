-- An urgent request's help-desk ticket that could not be sent keeps count of its attempts and the last error, so an
-- operator sees it (Resubscribe MBean, gauge optout.resubscribe.tickets.failing) instead of a retry every
-- optout.tickets.retry-interval that nobody notices. After optout.tickets.attempts attempts, or at once when the help
-- desk refuses the ticket itself (a 4xx other than 408 and 429: a rotated password, a ticket it rejects), the ticket
-- becomes a resubscribe-ticket dead letter (ticket_dead_lettered_at): the retry leaves it alone and the letter's
-- replay sends it. Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
alter table resubscribe_request add column ticket_attempts integer not null default 0;
alter table resubscribe_request add column ticket_failed_at timestamp with time zone;
alter table resubscribe_request add column ticket_error varchar(4000);
alter table resubscribe_request add column ticket_dead_lettered_at timestamp with time zone;
