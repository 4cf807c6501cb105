-- The aged-features sweep (storage/feature-ageing.ts) reads players by how
-- long ago their features were computed, oldest first.
CREATE INDEX IF NOT EXISTS player_features_computed_at ON player_features (computed_at);
