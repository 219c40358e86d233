// Seeded, realistic history data: contacts with names, companies and numbers in several countries,
// and calls over five years to them, to unknown numbers, extensions and SIP names, some with
// notes, tags and a disposition. Numbers come with the `e164` and `digits` the core would give.
import type { CallDirection, CallOutcome } from '../../preload/contract.ts';
import type { CallRecordInsert, CallRecordPatch, ContactWrite, StoredContactNumber, WrapUp } from '../../main/core/history/history-store.ts';

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function digitsOf(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(Math.floor(rng() * 10));
  return s;
}

export const firstNames = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan',
  'Richard', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen', 'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Margaret',
  'Jürgen', 'Müge', 'Sören', 'Anneliese', 'Klaus', 'Ursula', 'Stefan', 'Katrin', 'François', 'Hélène', 'Amélie', 'Théo',
  'José', 'María', 'Lucía', 'Alejandro', 'Joaquín', 'Wei', 'Fang', 'Xiaoming', 'Li', 'Hiroshi', 'Yuki', 'Haruto', 'Sakura',
  'Priya', 'Rahul', 'Ananya', 'Arjun', 'Siobhán', 'Seán', 'Niamh', 'Olamide', 'Chidi', 'Aisha', 'Mohammed', 'Fatima',
  'Björn', 'Åsa', 'Łukasz', 'Zofia', 'Ngozi', 'Thabo', 'Camila', 'Mateus', 'Giulia', 'Lorenzo', 'Nikolai', 'Olga',
];
export const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez',
  'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson',
  'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Müller', 'Schmidt', 'Schneider', 'Fischer',
  'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Rousseau',
  'Fernández', 'Gómez', 'Díaz', 'Wang', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Tanaka', 'Suzuki', 'Takahashi',
  'Watanabe', 'Sharma', 'Patel', 'Gupta', 'Singh', "O'Brien", 'Murphy', 'Kelly', 'Okafor', 'Adeyemi', 'Nkosi',
  'Johansson', 'Nowak', 'Kowalski', 'Rossi', 'Russo', 'Ferrari', 'Ivanov', 'Petrov', 'Silva', 'Santos', 'Oliveira',
];
export const companyWords = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Cyberdyne', 'Tyrell',
  'Nordwind', 'Bergmann', 'Sonnenschein', 'Lumière', 'Horizon', 'Pacific', 'Atlantic', 'Summit', 'Pinnacle', 'Evergreen',
  'Blue River', 'Red Rock', 'Silver Lake', 'Golden Gate', 'Northstar', 'Meridian', 'Keystone', 'Redwood', 'Cascade',
  'Shenzhen Bright', 'Tokyo Sakura', 'Mumbai Spice', 'São Paulo Verde', 'Zürich Alpen', 'Kraków Tech', 'Lagos Prime',
];
const companyKinds = ['Logistics', 'Software', 'Consulting', 'Medical', 'Foods', 'Energy', 'Insurance', 'Bank', 'Motors', 'Telecom', 'Systems', 'Design'];
const companySuffixes = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'AG', 'S.A.', 'SARL', 'K.K.', 'Pvt Ltd', 'Co.', 'B.V.', 'S.p.A.'];
const callerIds = ['WIRELESS CALLER', 'NEW YORK NY', 'CHICAGO IL', 'LONDON', 'BERLIN', 'PARIS', 'UNKNOWN', 'TOLL FREE', 'SAN JOSE CA'];
export const noteWords = [
  'invoice', 'refund', 'renewal', 'contract', 'quote', 'delivery', 'delayed', 'shipment', 'password', 'reset', 'login',
  'upgrade', 'cancel', 'subscription', 'billing', 'address', 'changed', 'wants', 'callback', 'tomorrow', 'morning',
  'escalate', 'manager', 'warranty', 'replacement', 'order', 'number', 'confirmed', 'payment', 'overdue', 'discount',
  'Rechnung', 'Lieferung', 'Rückruf', 'facture', 'livraison', 'rappeler', 'pedido', 'envío', 'headset', 'voicemail',
];
const tagPool = ['vip', 'billing', 'support', 'sale', 'follow-up', 'complaint', 'renewal', 'partner', 'lead', 'urgent'];
const dispositions = ['sale', 'support', 'billing', 'callback', 'info', 'wrong-number'];

interface Country {
  code: string;
  /** National significant number: its length and a few plausible leading digits. */
  nsnLength: number;
  leads: readonly string[];
  /** How a person would write it, from the NSN. */
  format(nsn: string): string;
}

const countries: readonly Country[] = [
  { code: '1', nsnLength: 10, leads: ['212', '312', '415', '555', '617', '646', '718', '202', '305', '512'], format: (n) => `+1 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}` },
  { code: '44', nsnLength: 10, leads: ['20', '161', '131', '7700', '7911'], format: (n) => `+44 ${n.slice(0, 2)} ${n.slice(2, 6)} ${n.slice(6)}` },
  { code: '49', nsnLength: 10, leads: ['30', '40', '89', '151', '160', '172', '221'], format: (n) => `+49 ${n.slice(0, 3)} ${n.slice(3)}` },
  { code: '33', nsnLength: 9, leads: ['1', '4', '6', '7'], format: (n) => `+33 ${n.slice(0, 1)} ${n.slice(1, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}` },
  { code: '86', nsnLength: 11, leads: ['138', '139', '186', '10', '21'], format: (n) => `+86 ${n.slice(0, 3)} ${n.slice(3, 7)} ${n.slice(7)}` },
  { code: '91', nsnLength: 10, leads: ['98', '97', '22', '80'], format: (n) => `+91 ${n.slice(0, 5)} ${n.slice(5)}` },
  { code: '55', nsnLength: 11, leads: ['119', '219', '11', '21'], format: (n) => `+55 ${n.slice(0, 2)} ${n.slice(2, 7)}-${n.slice(7)}` },
  { code: '81', nsnLength: 10, leads: ['3', '6', '90', '80'], format: (n) => `+81 ${n.slice(0, 1)}-${n.slice(1, 5)}-${n.slice(5)}` },
  { code: '61', nsnLength: 9, leads: ['2', '3', '4'], format: (n) => `+61 ${n.slice(0, 1)} ${n.slice(1, 5)} ${n.slice(5)}` },
];
/** Most traffic is domestic (the US here); the rest spread over the other countries. */
const countryWeights = [0.55, 0.08, 0.1, 0.06, 0.05, 0.05, 0.04, 0.04, 0.03];

function pickCountry(rng: Rng): Country {
  let u = rng();
  for (const [i, w] of countryWeights.entries()) {
    u -= w;
    if (u < 0) return countries[i] ?? countries[0]!;
  }
  return countries[0]!;
}

export interface PhoneNumber {
  number: string;
  e164: string;
  digits: string;
}

export function randomPhone(rng: Rng): PhoneNumber {
  const country = pickCountry(rng);
  const lead = pick(rng, country.leads);
  const nsn = lead + digitsOf(rng, country.nsnLength - lead.length);
  // A domestic number is often written nationally: its digits then lack the country code.
  if (country.code === '1' && rng() < 0.4) {
    return { number: `(${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`, e164: `+1${nsn}`, digits: nsn };
  }
  return { number: country.format(nsn), e164: `+${country.code}${nsn}`, digits: country.code + nsn };
}

function sentence(rng: Rng): string {
  const n = 4 + Math.floor(rng() * 10);
  const words: string[] = [];
  for (let i = 0; i < n; i += 1) words.push(pick(rng, noteWords));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function personName(rng: Rng): string {
  return `${pick(rng, firstNames)} ${pick(rng, lastNames)}`;
}

export function companyName(rng: Rng): string {
  return `${pick(rng, companyWords)} ${pick(rng, companyKinds)} ${pick(rng, companySuffixes)}`;
}

export function generateContacts(count: number, seed = 1): ContactWrite[] {
  const rng = seededRandom(seed);
  const labels = ['work', 'mobile', 'home', 'other'];
  const out: ContactWrite[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = personName(rng);
    const numbers: StoredContactNumber[] = [];
    const howMany = rng() < 0.55 ? 1 : rng() < 0.8 ? 2 : 3;
    for (let j = 0; j < howMany; j += 1) numbers.push({ label: labels[j] ?? 'other', ...randomPhone(rng) });
    const hasCompany = rng() < 0.7;
    out.push({
      id: null,
      name,
      company: hasCompany ? companyName(rng) : '',
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@example.com`,
      crmId: rng() < 0.5 ? `CRM-${String(100000 + i)}` : '',
      notes: rng() < 0.15 ? sentence(rng) : '',
      numbers,
    });
  }
  return out;
}

/** One generated call: what insertCall receives, then its final state and wrap-up. */
export interface GeneratedCall {
  insert: CallRecordInsert;
  final: Required<Pick<CallRecordPatch, 'answeredAt' | 'endedAt' | 'durationS' | 'outcome' | 'unseen'>>;
  wrapUp: Required<WrapUp>;
}

export const ACCOUNTS = ['sip:agent@pbx.example.com', 'sip:sales@pbx.example.com'] as const;

const incomingOutcomes: readonly [CallOutcome, number][] = [['answered', 0.7], ['missed', 0.2], ['rejected', 0.05], ['forwarded', 0.03], ['transferred', 0.02]];
const outgoingOutcomes: readonly [CallOutcome, number][] = [['answered', 0.65], ['no-answer', 0.2], ['busy', 0.08], ['failed', 0.05], ['transferred', 0.02]];

function pickOutcome(rng: Rng, table: readonly [CallOutcome, number][]): CallOutcome {
  let u = rng();
  for (const [outcome, w] of table) {
    u -= w;
    if (u < 0) return outcome;
  }
  return 'answered';
}

export interface CallGeneration {
  count: number;
  contacts: readonly ContactWrite[];
  /** The newest call starts here; the oldest about five years before. */
  endAt: number;
  seed?: number;
}

/**
 * Calls oldest first (as they would have been written), so ids grow with time. A few contacts
 * and unknown numbers get most of the calls, as in real traffic.
 */
export function* generateCalls(options: CallGeneration): Generator<GeneratedCall> {
  const rng = seededRandom(options.seed ?? 2);
  const span = 5 * 365 * 86_400_000;
  const step = span / options.count;
  const unknown: PhoneNumber[] = [];
  for (let i = 0; i < 200_000; i += 1) unknown.push(randomPhone(rng));
  let t = options.endAt - span;
  for (let i = 0; i < options.count; i += 1) {
    t += step * (0.5 + rng());
    const direction: CallDirection = rng() < 0.6 ? 'incoming' : 'outgoing';
    let number: string;
    let e164: string | null;
    let digits: string;
    let displayName: string;
    let remoteUri: string;
    const kind = rng();
    if (kind < 0.55 && options.contacts.length > 0) {
      const contact = options.contacts[Math.floor(options.contacts.length * rng() ** 3)] ?? options.contacts[0]!;
      const phone = contact.numbers[Math.floor(rng() * contact.numbers.length)] ?? contact.numbers[0]!;
      ({ number, e164, digits } = phone);
      displayName = rng() < 0.7 ? contact.name : rng() < 0.5 ? pick(rng, callerIds) : '';
      remoteUri = `sip:${e164 ?? digits}@pbx.example.com`;
    } else if (kind < 0.9) {
      const phone = unknown[Math.floor(unknown.length * rng() ** 2)] ?? unknown[0]!;
      ({ number, e164, digits } = phone);
      const r = rng();
      displayName = r < 0.4 ? personName(rng) : r < 0.7 ? pick(rng, callerIds) : '';
      remoteUri = `sip:${phone.e164}@pbx.example.com`;
    } else if (kind < 0.97) {
      digits = String(2000 + Math.floor(rng() * 400));
      number = digits;
      e164 = null;
      displayName = personName(seededRandom(Number(digits)));
      remoteUri = `sip:${digits}@pbx.example.com`;
    } else {
      const user = pick(rng, ['alice', 'bob', 'carol', 'dave', 'reception', 'helpdesk', 'night.service']);
      number = user;
      e164 = null;
      digits = '';
      displayName = user === 'reception' ? 'Reception' : `${user.charAt(0).toUpperCase()}${user.slice(1)}`;
      remoteUri = `sip:${user}@pbx.example.com`;
    }
    const startedAt = Math.round(t);
    const outcome = pickOutcome(rng, direction === 'incoming' ? incomingOutcomes : outgoingOutcomes);
    const answered = outcome === 'answered' || outcome === 'transferred';
    const answeredAt = answered ? startedAt + Math.round(2000 + rng() * 15000) : null;
    const durationS = answeredAt !== null ? Math.round(5 + rng() ** 2 * 1800) : null;
    const endedAt = answeredAt !== null && durationS !== null ? answeredAt + durationS * 1000 : startedAt + Math.round(5000 + rng() * 25000);
    const hasNotes = answered && rng() < 0.2;
    const tags = rng() < 0.06 ? [pick(rng, tagPool), ...(rng() < 0.3 ? [pick(rng, tagPool)] : [])] : [];
    yield {
      insert: {
        callId: `call-${String(i)}-${digitsOf(rng, 6)}`,
        direction,
        account: rng() < 0.9 ? ACCOUNTS[0] : ACCOUNTS[1],
        remoteUri,
        number,
        e164,
        digits,
        displayName,
        startedAt,
      },
      final: { answeredAt, endedAt, durationS, outcome, unseen: outcome === 'missed' && options.endAt - startedAt < 2 * 86_400_000 },
      wrapUp: {
        notes: hasNotes ? Array.from({ length: 1 + Math.floor(rng() * 3) }, () => sentence(rng)).join(' ') : '',
        disposition: answered && rng() < 0.25 ? pick(rng, dispositions) : '',
        tags: [...new Set(tags)],
      },
    };
  }
}
