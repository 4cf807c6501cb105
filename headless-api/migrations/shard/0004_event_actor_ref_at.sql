-- Two columns that feature SQL used to read from the JSON payload: who cancelled a
-- withdrawal (or initiated a limit change), and the registration / exclusion-end
-- time an event carries. As columns they need no JSON functions, which DuckDB-WASM
-- lacks offline, and the same feature SQL runs in the browser.
ALTER TABLE events ADD COLUMN IF NOT EXISTS actor text;
ALTER TABLE events ADD COLUMN IF NOT EXISTS ref_at timestamptz;

UPDATE events SET actor = payload ->> 'cancelled_by'
WHERE type = 'payment' AND actor IS NULL AND payload ? 'cancelled_by';
UPDATE events SET actor = payload ->> 'initiated_by'
WHERE type = 'limit.changed' AND actor IS NULL AND payload ? 'initiated_by';
UPDATE events SET ref_at = (payload #>> '{profile,registered_at}')::timestamptz
WHERE type = 'player.updated' AND ref_at IS NULL AND payload #> '{profile,registered_at}' IS NOT NULL;
UPDATE events SET ref_at = (payload ->> 'until')::timestamptz
WHERE type = 'exclusion.started' AND ref_at IS NULL AND payload ->> 'until' IS NOT NULL;
