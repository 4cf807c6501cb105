import { describe, expect, it } from '@pitboss/test/harness';
import {
  FEATURES, FIELDS, FIELD_LABELS_EN, FIELD_LABELS_ES, FIELD_LABELS_PT_BR, FIELD_META, LOCALES, MarketingConsents, PersonalData, PlayerProfile,
  fieldByKey, fieldLabel, fieldMetaByKey,
} from '@pitboss/core';

describe('field registry', () => {
  it('has one entry per key', () => {
    const keys = FIELDS.map((f) => f.key);
    expect(new Set(keys).size).to.equal(keys.length);
    for (const k of keys) expect(k).to.match(/^[a-z][a-z0-9_]*$/);
  });

  it('has an entry for every feature, typed like the feature', () => {
    for (const f of FEATURES) {
      const field = fieldByKey(f.key);
      expect(field, f.key).to.not.equal(undefined);
      expect(field!.source).to.deep.equal({ kind: 'feature', table: 'player_features', column: f.key });
      expect(field!.type, f.key).to.equal(f.type);
      expect(field!.unit, f.key).to.equal(f.unit);
      expect(field!.personal, f.key).to.equal(false);
    }
  });

  it('has an entry for every profile attribute, personal data and consent of the event schema', () => {
    for (const key of Object.keys(PlayerProfile.shape)) {
      if (key === 'personal' || key === 'marketing_consents') continue;
      expect(fieldByKey(key)?.source, key).to.deep.include({ kind: 'profile', table: 'players', column: key });
    }
    for (const key of Object.keys(PersonalData.shape)) {
      expect(fieldByKey(key), key).to.deep.include({ personal: true, source: { kind: 'profile', table: 'player_personal', column: key } });
    }
    for (const key of Object.keys(MarketingConsents.shape)) {
      expect(fieldByKey(`consent_${key}`)?.type, key).to.equal('boolean');
    }
    for (const key of ['age', 'kyc_verified', 'self_excluded']) expect(fieldByKey(key)?.source.kind, key).to.equal('computed');
    expect(fieldByKey('last_event_at')?.type).to.equal('timestamp');
  });

  it('labels every field in en, pt-BR and es', () => {
    for (const f of FIELDS) {
      expect(Object.keys(f.label).sort(), f.key).to.deep.equal([...LOCALES].sort());
      for (const locale of LOCALES) {
        expect(f.label[locale].trim().length, `${f.key} ${locale}`).to.be.greaterThan(1);
        expect(f.label[locale], `${f.key} ${locale}`).to.not.equal(f.key);
      }
    }
  });

  it('is FIELD_META with the labels of the per-locale tables, which label exactly its fields', () => {
    expect(FIELDS.map(({ label: _label, ...meta }) => meta)).to.deep.equal(FIELD_META);
    const tables = { en: FIELD_LABELS_EN, 'pt-BR': FIELD_LABELS_PT_BR, es: FIELD_LABELS_ES } as const;
    for (const locale of LOCALES) {
      expect(Object.keys(tables[locale]).sort(), locale).to.deep.equal(FIELD_META.map((f) => f.key).sort());
      for (const f of FIELDS) expect(f.label[locale], `${f.key} ${locale}`).to.equal(tables[locale][f.key]);
    }
    expect(fieldMetaByKey('net_loss_30d')).to.deep.equal({ key: 'net_loss_30d', type: 'money', unit: 'minor_units', source: { kind: 'feature', table: 'player_features', column: 'net_loss_30d' }, personal: false });
    expect(fieldMetaByKey('nope')).to.equal(undefined);
  });

  it('marks only direct identifiers as personal data', () => {
    expect(FIELDS.filter((f) => f.personal).map((f) => f.key).sort()).to.deep.equal(['email', 'first_name', 'last_name', 'phone']);
  });

  it('lists the allowed values of enum fields', () => {
    for (const f of FIELDS.filter((x) => x.type === 'enum')) expect(f.values?.length ?? 0, f.key).to.be.greaterThan(0);
    expect(fieldByKey('country')?.values).to.include.members(['BR', 'GB', 'ES', 'MX']);
    expect(fieldByKey('currency')?.values).to.include.members(['BRL', 'GBP', 'EUR', 'MXN']);
  });

  it('picks a label by locale, by language, else English', () => {
    expect(fieldLabel('country', 'pt-BR')).to.equal('País');
    expect(fieldLabel('net_loss_30d', 'es-MX')).to.equal('Pérdida neta (30 días)');
    expect(fieldLabel('net_loss_30d', 'pt')).to.equal('Perda líquida (30 dias)');
    expect(fieldLabel('net_loss_30d', 'de')).to.equal('Net loss (30 days)');
    expect(() => fieldLabel('nope', 'en')).to.throw(/unknown field/);
  });
});
