-- An urgent request's help-desk ticket is claimed for a while (a lease) instead of under a row lock held for the
-- whole POST: the claim, the POST and the mark-sent are separate, so a slow or hanging help desk no longer blocks an
-- opt-out closing the contact's requests, or the weekly sheet marking them exported. While the lease holds, no other
-- sender claims the ticket; a failed POST clears it; after a crash between POST and mark-sent it runs out and the
-- ticket is sent again with the same reference (Idempotency-Key), which the help desk drops as a repeat.
-- Runs unchanged on H2 (PostgreSQL mode) and PostgreSQL.
alter table resubscribe_request add column ticket_claimed_until timestamp with time zone;
