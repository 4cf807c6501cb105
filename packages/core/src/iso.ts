/**
 * ISO 3166-1 alpha-2 country codes and ISO 4217 currency codes with their
 * minor-unit exponents. Kept as data so every runtime validates identically.
 *
 * The lists ride in every page that loads the web components, so they are
 * written grouped by first letter (a third of the bytes of one code per word),
 * `adefg` standing for AD AE AF AG, and in lower case, which gzip codes in
 * fewer bits beside minified code than capitals (bundle bench: −0.1 KB).
 */

// Each word: a first letter, then every second letter assigned after it.
const COUNTRY_CODES =
  'adefgilmoqrstuwxz babdefghijlmnoqrstvwyz cacdfghiklmnoruvwxyz dejkmoz eceghrst fijkmor gabdefghilmnpqrstuwy ' +
  'hkmnrtu idelmnoqrst jemop keghimnprwyz labcikrstuvy macdefghklmnopqrstuvwxyz nacefgilopruz om paefghklmnrstwy qa ' +
  'reosuw sabcdeghijklmnorstvxyz tcdfghjklmnortvwz uagmsyz vaceginu wfs yet zamw';

/** Every officially assigned ISO 3166-1 alpha-2 code. */
export const COUNTRIES: ReadonlySet<string> = new Set(
  COUNTRY_CODES.split(' ').flatMap(([first, ...seconds]) => seconds.map((second) => (first! + second).toUpperCase())),
);

// Active ISO 4217 codes (list of 2024), grouped by first letter: each group is
// that letter, then the other two letters of each code, followed by the
// minor-unit exponent where it is not 2 (`hd3` under b: BHD, three decimals).
const CURRENCY_CODES =
  'aed fn ll md ng oa rs ud wg zn,bam bd dt gn hd3 if0 md nd ob ov rl sd tn wp yn zd,' +
  'cad df he hf hw lf4 lp0 ny op ou rc up ve zk,djf0 kk op zd,egp rn tb ur,fjd kp,gbp el hs ip md nf0 tq yd,' +
  'hkd nl tg uf,idr ls nr qd3 rr sk0,jmd od3 py0,kes gs hr mf0 pw rw0 wd3 yd zt,lak bp kr rd sl yd3,' +
  'mad dl ga kd mk nt op ru ur vr wk xn xv yr zn,nad gn io ok pr zd,omr3,pab en gk hp kr ln yg0,qar,' +
  'ron sd ub wf0,sar bd cr dg ek gd hp le os rd sp tn vc yp zl,thb js mt nd3 op ry td wd zs,' +
  'uah gx0 sd sn yi0 yu yw4 zs,ved es nd0 uv0,wst,xaf0 cd cg of0 pf0,yer,zar mw wg';

const decoded = CURRENCY_CODES.split(',').flatMap((group) =>
  group.slice(1).split(' ').map((rest) => [(group[0]! + rest.slice(0, 2)).toUpperCase(), Number(rest[2] ?? 2)] as const),
);
// Exponent 0 first, then 2, 3, 4: the order `CURRENCIES` has always iterated in.
const exponents = new Map<string, number>([0, 2, 3, 4].flatMap((exp) => decoded.filter(([, e]) => e === exp)));

/** Every active ISO 4217 currency code. */
export const CURRENCIES: ReadonlySet<string> = new Set(exponents.keys());

/**
 * Number of decimal places of a currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD).
 *
 * @example currencyExponent('brl') // 2
 * @throws RangeError for a code that is not an active ISO 4217 currency.
 */
export function currencyExponent(currency: string): number {
  const exp = exponents.get(currency);
  if (exp === undefined) throw new RangeError(`not an ISO 4217 currency code: ${JSON.stringify(currency)}`);
  return exp;
}
