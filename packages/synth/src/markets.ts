import type { Rng, WeightTable } from './rng.js';
import { weights } from './rng.js';

export type PaymentMethod = 'card' | 'bank_transfer' | 'e_wallet' | 'pix' | 'open_banking' | 'crypto' | 'voucher' | 'cash' | 'other';

/** What the generator knows about one country market. */
export interface Market {
  country: string;
  currency: string;
  /** Share of generated players from this market (relative weight). */
  weight: number;
  /** Fixed offset used for daily rhythms (DST ignored: at most an hour of shift). */
  utcOffsetHours: number;
  language: string;
  /**
   * Local major units that buy what one euro buys in a stake: exchange rate
   * tempered by price level, so a Brazilian median stake is smaller in euros.
   */
  stakeScale: number;
  firstNames: readonly string[];
  lastNames: readonly string[];
  emailDomains: readonly string[];
  methods: WeightTable<PaymentMethod>;
  /** National self-exclusion register, where one exists. */
  register: string | null;
  /** Share of players in this market who prefer casino over sports. */
  casinoPreference: number;
  /** Share of new players who set a deposit limit at sign-up. */
  limitAtSignup: number;
  phone(rng: Rng): string;
}

const EN_FIRST = ['James', 'Oliver', 'Harry', 'Jack', 'George', 'Amelia', 'Olivia', 'Emily', 'Sophie', 'Jessica', 'Daniel', 'Thomas', 'Liam', 'Chloe'];
const EN_LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Davies', 'Evans', 'Walker', 'Murphy', 'Kelly', 'Roberts', 'Clarke', 'Hughes'];
const PT_FIRST = ['Joao', 'Gabriel', 'Lucas', 'Pedro', 'Mateus', 'Rafael', 'Ana', 'Maria', 'Juliana', 'Beatriz', 'Larissa', 'Thiago', 'Felipe', 'Camila'];
const PT_LAST = ['Silva', 'Santos', 'Oliveira', 'Souza', 'Lima', 'Pereira', 'Ferreira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Carvalho', 'Gomes', 'Ribeiro'];
const ES_FIRST = ['Alejandro', 'Daniel', 'Pablo', 'Javier', 'Carlos', 'Lucia', 'Maria', 'Sofia', 'Paula', 'Valentina', 'Diego', 'Jose', 'Camila', 'Andres'];
const ES_LAST = ['Garcia', 'Rodriguez', 'Gonzalez', 'Fernandez', 'Lopez', 'Martinez', 'Sanchez', 'Perez', 'Gomez', 'Hernandez', 'Diaz', 'Torres', 'Ramirez', 'Flores'];
const DE_FIRST = ['Lukas', 'Leon', 'Felix', 'Jonas', 'Maximilian', 'Anna', 'Lena', 'Laura', 'Julia', 'Lea', 'Paul', 'Tim', 'Sarah', 'Niklas'];
const DE_LAST = ['Mueller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf'];
const IT_FIRST = ['Francesco', 'Alessandro', 'Lorenzo', 'Matteo', 'Andrea', 'Giulia', 'Chiara', 'Sofia', 'Martina', 'Federica', 'Marco', 'Luca', 'Elena', 'Davide'];
const IT_LAST = ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo', 'Conti', 'Costa'];
const SV_FIRST = ['Erik', 'Lars', 'Karl', 'Anders', 'Johan', 'Anna', 'Emma', 'Maja', 'Elsa', 'Sara', 'Oskar', 'Nils', 'Linnea', 'Axel'];
const SV_LAST = ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Lindberg', 'Berg'];

const GLOBAL_MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'];

// E.164 numbers in each country's mobile ranges (shapes, not real subscribers).
const gbPhone = (r: Rng) => `+447${r.pick(['4', '5', '7', '8', '9'])}${r.digits(8)}`;
const brPhone = (r: Rng) => `+55${r.pick(['11', '21', '31', '41', '51', '61', '71', '81', '85', '91'])}9${r.int(6, 9)}${r.digits(7)}`;
const esPhone = (r: Rng) => `+34${r.pick(['6', '7'])}${r.digits(8)}`;
const mxPhone = (r: Rng) => `+52${r.pick(['55', '33', '81'])}${r.digits(8)}`;
const dePhone = (r: Rng) => `+491${r.pick(['51', '52', '57', '60', '62', '70', '71', '76'])}${r.digits(8)}`;
const itPhone = (r: Rng) => `+393${r.int(2, 9)}${r.digits(8)}`;
const coPhone = (r: Rng) => `+573${r.pick(['00', '01', '10', '12', '15', '20', '50'])}${r.digits(7)}`;
const pePhone = (r: Rng) => `+519${r.digits(8)}`;
const caPhone = (r: Rng) => `+1${r.pick(['416', '647', '604', '514', '403', '613'])}${r.int(2, 9)}${r.digits(6)}`;
const sePhone = (r: Rng) => `+467${r.pick(['0', '2', '3', '6'])}${r.digits(7)}`;
const iePhone = (r: Rng) => `+3538${r.int(3, 9)}${r.digits(7)}`;

/**
 * The market mix. Weights follow where the named regulated markets are
 * large (Brazil and the UK first), not any one operator's book.
 */
export const MARKETS: readonly Market[] = [
  {
    country: 'BR', currency: 'BRL', weight: 26, utcOffsetHours: -3, language: 'pt-BR', stakeScale: 3,
    firstNames: PT_FIRST, lastNames: PT_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.com', 'uol.com.br', 'bol.com.br'],
    methods: weights<PaymentMethod>([['pix', 85], ['card', 7], ['e_wallet', 5], ['bank_transfer', 3]]),
    register: 'SIGAP', casinoPreference: 0.45, limitAtSignup: 0.2, phone: brPhone,
  },
  {
    country: 'GB', currency: 'GBP', weight: 20, utcOffsetHours: 0, language: 'en-GB', stakeScale: 0.9,
    firstNames: EN_FIRST, lastNames: EN_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.co.uk', 'btinternet.com', 'sky.com'],
    methods: weights<PaymentMethod>([['card', 68], ['e_wallet', 17], ['open_banking', 10], ['bank_transfer', 5]]),
    register: 'GAMSTOP', casinoPreference: 0.35, limitAtSignup: 0.25, phone: gbPhone,
  },
  {
    country: 'ES', currency: 'EUR', weight: 10, utcOffsetHours: 1, language: 'es-ES', stakeScale: 1,
    firstNames: ES_FIRST, lastNames: ES_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.es', 'telefonica.net'],
    methods: weights<PaymentMethod>([['card', 60], ['e_wallet', 20], ['bank_transfer', 10], ['voucher', 10]]),
    register: 'RGIAJ', casinoPreference: 0.3, limitAtSignup: 0.15, phone: esPhone,
  },
  {
    country: 'MX', currency: 'MXN', weight: 10, utcOffsetHours: -6, language: 'es-MX', stakeScale: 12,
    firstNames: ES_FIRST, lastNames: ES_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.com', 'prodigy.net.mx'],
    methods: weights<PaymentMethod>([['card', 45], ['cash', 25], ['bank_transfer', 25], ['e_wallet', 5]]),
    register: null, casinoPreference: 0.35, limitAtSignup: 0.05, phone: mxPhone,
  },
  {
    country: 'DE', currency: 'EUR', weight: 7, utcOffsetHours: 1, language: 'de-DE', stakeScale: 1,
    firstNames: DE_FIRST, lastNames: DE_LAST, emailDomains: [...GLOBAL_MAIL, 'gmx.de', 'web.de', 't-online.de'],
    methods: weights<PaymentMethod>([['card', 35], ['e_wallet', 35], ['open_banking', 20], ['voucher', 10]]),
    // Germany requires a deposit limit for every player (GlüStV 2021: EUR 1,000 a month across operators).
    register: 'OASIS', casinoPreference: 0.3, limitAtSignup: 1, phone: dePhone,
  },
  {
    country: 'IT', currency: 'EUR', weight: 7, utcOffsetHours: 1, language: 'it-IT', stakeScale: 1,
    firstNames: IT_FIRST, lastNames: IT_LAST, emailDomains: [...GLOBAL_MAIL, 'libero.it', 'virgilio.it'],
    methods: weights<PaymentMethod>([['card', 55], ['e_wallet', 30], ['voucher', 10], ['bank_transfer', 5]]),
    register: 'RUA', casinoPreference: 0.35, limitAtSignup: 0.3, phone: itPhone,
  },
  {
    country: 'CO', currency: 'COP', weight: 5, utcOffsetHours: -5, language: 'es-CO', stakeScale: 2500,
    firstNames: ES_FIRST, lastNames: ES_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.com'],
    methods: weights<PaymentMethod>([['bank_transfer', 45], ['card', 30], ['cash', 20], ['e_wallet', 5]]),
    register: null, casinoPreference: 0.4, limitAtSignup: 0.05, phone: coPhone,
  },
  {
    country: 'PE', currency: 'PEN', weight: 4, utcOffsetHours: -5, language: 'es-PE', stakeScale: 2.5,
    firstNames: ES_FIRST, lastNames: ES_LAST, emailDomains: [...GLOBAL_MAIL, 'hotmail.com'],
    methods: weights<PaymentMethod>([['card', 40], ['e_wallet', 30], ['bank_transfer', 20], ['cash', 10]]),
    register: null, casinoPreference: 0.4, limitAtSignup: 0.05, phone: pePhone,
  },
  {
    country: 'CA', currency: 'CAD', weight: 5, utcOffsetHours: -5, language: 'en-CA', stakeScale: 1.4,
    firstNames: EN_FIRST, lastNames: EN_LAST, emailDomains: [...GLOBAL_MAIL, 'rogers.com', 'shaw.ca'],
    methods: weights<PaymentMethod>([['card', 45], ['bank_transfer', 40], ['e_wallet', 15]]),
    register: null, casinoPreference: 0.4, limitAtSignup: 0.1, phone: caPhone,
  },
  {
    country: 'SE', currency: 'SEK', weight: 3, utcOffsetHours: 1, language: 'sv-SE', stakeScale: 10,
    firstNames: SV_FIRST, lastNames: SV_LAST, emailDomains: [...GLOBAL_MAIL, 'telia.com', 'hotmail.se'],
    methods: weights<PaymentMethod>([['open_banking', 60], ['card', 30], ['e_wallet', 10]]),
    // Swedish licensees must have every player set deposit limits (Spellagen 2018:1138).
    register: 'Spelpaus', casinoPreference: 0.45, limitAtSignup: 1, phone: sePhone,
  },
  {
    country: 'IE', currency: 'EUR', weight: 3, utcOffsetHours: 0, language: 'en-IE', stakeScale: 1,
    firstNames: EN_FIRST, lastNames: EN_LAST, emailDomains: [...GLOBAL_MAIL, 'eircom.net'],
    methods: weights<PaymentMethod>([['card', 70], ['e_wallet', 20], ['open_banking', 10]]),
    register: null, casinoPreference: 0.3, limitAtSignup: 0.15, phone: iePhone,
  },
];

export const MARKET_TABLE: WeightTable<Market> = weights(MARKETS.map((m) => [m, m.weight] as const));
