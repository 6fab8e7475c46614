-- A batch's lease owner now starts with the Quartz scheduler instance of the node that claimed it
-- ("<instance>/<uuid>"), so that a recovered run can tell a dead run's lease from a live node's. Quartz's
-- instance names (host name and start time) take up to 200 characters.
alter table ascend_batch alter column lease_owner set data type varchar(255);
