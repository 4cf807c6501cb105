-- Token buckets are throwaway state: after a crash every bucket simply starts
-- full again. Logged, each take waited for its WAL flush while holding the
-- bucket's row lock, so all requests of a tenant queued behind one fsync each
-- (about 200 requests/s per tenant here with rate limits on). Unlogged, a
-- take writes no WAL and its commit does not wait for a flush.
ALTER TABLE rate_buckets SET UNLOGGED;
