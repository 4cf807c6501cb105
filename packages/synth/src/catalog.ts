import type { WeightTable } from './rng.js';
import { weights } from './rng.js';

/** A sport with the competitions and markets players bet on. */
export interface Sport {
  name: string;
  competitions: readonly string[];
  markets: readonly (readonly [market: string, selections: readonly string[]])[];
}

const football: Sport = {
  name: 'football',
  competitions: ['Premier League', 'LaLiga', 'Brasileirao Serie A', 'Liga MX', 'Serie A', 'Bundesliga', 'UEFA Champions League', 'Copa Libertadores', 'Championship', 'Allsvenskan'],
  markets: [
    ['1X2', ['home', 'draw', 'away']],
    ['Over/Under 2.5', ['over', 'under']],
    ['Both Teams To Score', ['yes', 'no']],
    ['Asian Handicap', ['home -0.5', 'away +0.5', 'home -1', 'away +1']],
    ['Correct Score', ['1-0', '2-1', '1-1', '0-0', '2-0']],
  ],
};
const tennis: Sport = {
  name: 'tennis',
  competitions: ['ATP Tour', 'WTA Tour', 'Grand Slam', 'Challenger'],
  markets: [['Match Winner', ['player 1', 'player 2']], ['Total Games', ['over', 'under']], ['Set Betting', ['2-0', '2-1', '0-2', '1-2']]],
};
const basketball: Sport = {
  name: 'basketball',
  competitions: ['NBA', 'EuroLeague', 'NBB', 'ACB'],
  markets: [['Moneyline', ['home', 'away']], ['Point Spread', ['home', 'away']], ['Total Points', ['over', 'under']]],
};
const horseRacing: Sport = {
  name: 'horse_racing',
  competitions: ['UK Flat', 'UK National Hunt', 'Irish Racing'],
  markets: [['Win', ['favourite', 'second favourite', 'outsider']], ['Each Way', ['favourite', 'outsider']]],
};
const mma: Sport = { name: 'mma', competitions: ['UFC'], markets: [['Fight Winner', ['fighter 1', 'fighter 2']], ['Method of Victory', ['KO/TKO', 'submission', 'decision']]] };
const esports: Sport = { name: 'esports', competitions: ['CS2 Major', 'LoL Worlds'], markets: [['Match Winner', ['team 1', 'team 2']], ['Map Handicap', ['team 1 -1.5', 'team 2 +1.5']]] };
const iceHockey: Sport = { name: 'ice_hockey', competitions: ['NHL', 'SHL'], markets: [['Moneyline', ['home', 'away']], ['Total Goals', ['over', 'under']]] };

/**
 * Sports by market: football everywhere, racing in GB and IE, hockey in CA and SE.
 *
 * @example
 * rng.weighted(sportsFor('GB')).name; // 'football' two times in three
 */
export function sportsFor(country: string): WeightTable<Sport> {
  const racing = country === 'GB' || country === 'IE' ? 16 : 0;
  const hockey = country === 'CA' || country === 'SE' ? 14 : 0;
  return weights<Sport>([[football, 66], [tennis, 10], [basketball, 8], [horseRacing, racing], [mma, 3], [esports, 3], [iceHockey, hockey]]);
}

export type GameType = 'slots' | 'table' | 'live_casino' | 'crash' | 'instant';

/** A casino game: its type, provider, return to player and how swingy its wins are. */
export interface Game {
  id: string;
  type: GameType;
  provider: string;
  rtp: number;
  /** Probability that a round returns anything. */
  hitRate: number;
  /** Sigma of the lognormal win multiplier (slots); 0 for fixed payouts. */
  volatility: number;
}

export const GAMES: readonly Game[] = [
  { id: 'fortune-tiger', type: 'slots', provider: 'PG Soft', rtp: 0.9681, hitRate: 0.3, volatility: 1.1 },
  { id: 'gates-of-olympus', type: 'slots', provider: 'Pragmatic Play', rtp: 0.965, hitRate: 0.25, volatility: 1.5 },
  { id: 'sweet-bonanza', type: 'slots', provider: 'Pragmatic Play', rtp: 0.9648, hitRate: 0.27, volatility: 1.4 },
  { id: 'big-bass-bonanza', type: 'slots', provider: 'Pragmatic Play', rtp: 0.9671, hitRate: 0.28, volatility: 1.3 },
  { id: 'book-of-dead', type: 'slots', provider: "Play'n GO", rtp: 0.9621, hitRate: 0.24, volatility: 1.6 },
  { id: 'starburst', type: 'slots', provider: 'NetEnt', rtp: 0.9609, hitRate: 0.42, volatility: 0.6 },
  { id: 'fortune-ox', type: 'slots', provider: 'PG Soft', rtp: 0.9675, hitRate: 0.3, volatility: 1.1 },
  { id: 'european-roulette', type: 'table', provider: 'NetEnt', rtp: 0.973, hitRate: 18 / 37, volatility: 0 },
  { id: 'blackjack-classic', type: 'table', provider: 'Evolution', rtp: 0.995, hitRate: 0.4975, volatility: 0 },
  { id: 'lightning-roulette', type: 'live_casino', provider: 'Evolution', rtp: 0.973, hitRate: 18 / 37, volatility: 0 },
  { id: 'crazy-time', type: 'live_casino', provider: 'Evolution', rtp: 0.9608, hitRate: 0.3, volatility: 1.2 },
  { id: 'aviator', type: 'crash', provider: 'Spribe', rtp: 0.97, hitRate: 0.5, volatility: 0.5 },
  { id: 'spaceman', type: 'crash', provider: 'Pragmatic Play', rtp: 0.965, hitRate: 0.5, volatility: 0.5 },
  { id: 'mines', type: 'instant', provider: 'Spribe', rtp: 0.97, hitRate: 0.6, volatility: 0.4 },
];

/**
 * Casino games by market: Brazil's is led by PG Soft's small-stake slots; elsewhere the mix is flatter.
 *
 * @example
 * rng.weighted(gamesFor('BR')).id; // often 'fortune-tiger'
 */
export function gamesFor(country: string): WeightTable<Game> {
  return weights<Game>(
    GAMES.map((g) => [g, country === 'BR' && g.provider === 'PG Soft' ? 6 : g.type === 'slots' ? 2 : 1] as const),
  );
}
