-- players.risk_band takes the bands models score in (core's RISK_BANDS, lowest
-- first): none, low, medium, high, very_high. Migration 0002 had a four-band
-- list; `severe` was `very_high` under another name. A `low` written then may
-- have been `none`: the next scoring of that player writes the exact band.
ALTER TABLE players DROP CONSTRAINT IF EXISTS players_risk_band_known;
UPDATE players SET risk_band = 'very_high' WHERE risk_band = 'severe';
ALTER TABLE players ADD CONSTRAINT players_risk_band_known
  CHECK (risk_band IN ('none', 'low', 'medium', 'high', 'very_high'));
