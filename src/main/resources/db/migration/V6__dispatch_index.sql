-- change-dispatch reads "state = RECEIVED order by id" and marks one row "where id = ? and state = ?".
-- An index on state alone made both walk every RECEIVED row (H2 keeps a plan chosen on an empty ledger);
-- (state, id) serves the read in order and never beats the primary key for the update.
drop index ix_contact_change_state;
create index ix_contact_change_state on contact_change (state, id);
