// A realistic, seeded sample of a food manufacturer ("Northfield Bakery"): suppliers and their raw lots
// received by GS1-128 scan, daily production runs with a two-level genealogy (raw → dough → loaves and
// crackers), shipments to many retail customers, and write-offs of expired stock.
//
// `masterData()` returns the commands that set up products, parties and locations; `days(options)` yields
// one array of commands per simulated day (feed each to `lg.batch()`). The generator keeps its own stock
// book (first-expired-first-out), so every command it emits is valid: no negative stock, no expired picks.

const DAY = 86_400_000;

/** Deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** GS1 mod-10 check digit of the digits in `body`. */
export function gs1CheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const d = body.charCodeAt(body.length - 1 - i) - 48;
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return String((10 - (sum % 10)) % 10);
}

const gtin = (n) => {
  const body = `0950600013${String(n).padStart(3, '0')}`;
  return body + gs1CheckDigit(body);
};
const gln = (n) => {
  const body = `950600000${String(n).padStart(3, '0')}`;
  return body + gs1CheckDigit(body);
};

/** Raw materials: id, name, GTIN, supplier, typical pallet in kg (3 decimals), shelf life in days. */
export const RAW = [
  { id: 'flour', name: 'Wheat flour T65', gtin: gtin(1), supplier: 'mill', palletKg: [600, 950], shelf: 240 },
  {
    id: 'sesame',
    name: 'Sesame paste (tahini)',
    gtin: gtin(2),
    supplier: 'sesameco',
    palletKg: [80, 160],
    shelf: 300,
  },
  { id: 'sugar', name: 'Cane sugar', gtin: gtin(3), supplier: 'sugarco', palletKg: [150, 300], shelf: 720 },
  { id: 'salt', name: 'Sea salt', gtin: gtin(4), supplier: 'saltco', palletKg: [60, 120], shelf: 1800 },
  { id: 'oil', name: 'Rapeseed oil', gtin: gtin(5), supplier: 'oilco', palletKg: [150, 250], shelf: 365 },
  { id: 'yeast', name: 'Fresh yeast', gtin: gtin(6), supplier: 'yeastco', palletKg: [20, 40], shelf: 35 },
];

/** Kilograms of each raw material per 100 kg of dough. */
const RECIPE = { flour: 86, salt: 1.6, sugar: 2.4, oil: 6, yeast: 1.2, sesame: 2.8 };

export const SUPPLIERS = [
  ['mill', 'Harrow Mill Ltd', 'GB'],
  ['sesameco', 'Levant Sesame Co', 'TR'],
  ['sugarco', 'Cane & Co', 'BR'],
  ['saltco', 'Atlantic Salt', 'FR'],
  ['oilco', 'Fenland Oils', 'GB'],
  ['yeastco', 'Brewers Yeast GmbH', 'DE'],
];

const SUPPLIER_TOWNS = {
  GB: 'Harrow HA1 1AA',
  TR: 'Izmir 35000',
  BR: 'Santos 11010',
  FR: 'Guerande 44350',
  DE: 'Bremen 28195',
};
const TOWNS = ['Ashford', 'Bury', 'Crewe', 'Derby', 'Ely', 'Frome', 'Goole', 'Hove', 'Ilkley', 'Jarrow'];
const CHAINS = ['Corner Shop', 'FreshMart', 'Village Stores', 'Deli & Co', 'Farm Shop', 'Café', 'Hotel'];

/** The commands that define products, parties and locations. */
export function masterData({ customers = 80 } = {}) {
  const cmds = [];
  for (const r of RAW) {
    cmds.push({
      command: 'defineProduct',
      input: { id: r.id, name: r.name, gtin: r.gtin, unit: 'kg', decimals: 3, shelfLifeDays: r.shelf },
    });
  }
  cmds.push({
    command: 'defineProduct',
    input: { id: 'dough', name: 'Sesame dough', unit: 'kg', decimals: 3, shelfLifeDays: 2 },
  });
  cmds.push({
    command: 'defineProduct',
    input: {
      id: 'loaf',
      name: 'Sesame loaf 800 g',
      gtin: gtin(20),
      unit: 'pc',
      decimals: 0,
      shelfLifeDays: 6,
      allergens: ['gluten', 'sesame'],
    },
  });
  cmds.push({
    command: 'defineProduct',
    input: {
      id: 'crackers',
      name: 'Sesame crackers 200 g',
      gtin: gtin(21),
      unit: 'pc',
      decimals: 0,
      shelfLifeDays: 120,
      allergens: ['gluten', 'sesame'],
    },
  });
  SUPPLIERS.forEach(([id, name, country], i) => {
    cmds.push({
      command: 'defineParty',
      input: {
        id,
        name,
        roles: ['supplier'],
        gln: gln(i + 1),
        address: `${10 + i} Industrial Estate, ${SUPPLIER_TOWNS[country] ?? 'Port Town'}, ${country}`,
        contacts: [
          {
            name: 'Quality desk',
            email: `quality@${id}.example`,
            phone: `+44 20 7946 0${String(100 + i).slice(-3)}`,
          },
        ],
      },
    });
  });
  for (let c = 0; c < customers; c++) {
    const name = `${CHAINS[c % CHAINS.length]} ${TOWNS[Math.floor(c / CHAINS.length) % TOWNS.length]}${c >= CHAINS.length * TOWNS.length ? ` ${c}` : ''}`;
    cmds.push({
      command: 'defineParty',
      input: {
        id: customerId(c),
        name,
        roles: ['customer'],
        gln: gln(100 + c),
        address: `${1 + (c % 97)} High Street, ${TOWNS[Math.floor(c / CHAINS.length) % TOWNS.length]}, United Kingdom`,
        contacts: [{ name: 'Store manager', email: `manager@${customerId(c)}.example` }],
      },
    });
  }
  cmds.push({
    command: 'defineLocation',
    input: { id: 'WH-RAW', site: 'northfield', zone: 'raw materials' },
  });
  cmds.push({ command: 'defineLocation', input: { id: 'LINE-1', site: 'northfield', zone: 'production' } });
  cmds.push({
    command: 'defineLocation',
    input: { id: 'WH-FG', site: 'northfield', zone: 'finished goods' },
  });
  cmds.push({
    command: 'defineLocation',
    input: { id: 'QUAR', site: 'northfield', zone: 'quarantine', quarantine: true },
  });
  return cmds;
}

export const customerId = (c) => `C${String(c + 1).padStart(3, '0')}`;

const iso = (ms) => new Date(ms).toISOString();
const ymd = (ms) => iso(ms).slice(0, 10);
const yymmdd = (ms) => ymd(ms).slice(2).replaceAll('-', '');
const compact = (ms) => ymd(ms).replaceAll('-', '');
/** Steps (thousandths of a kg) → "123.456". */
const kg = (steps) => `${Math.floor(steps / 1000)}.${String(steps % 1000).padStart(3, '0')}`;

/**
 * Yield each simulated day's commands.
 * @param {{ days?: number, start?: string, seed?: number, customers?: number, doughBatches?: number }} options
 */
export function* days({ days = 120, start = '2026-03-02', seed = 7, customers = 80, doughBatches = 2 } = {}) {
  const rand = rng(seed);
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
  /** raw stock book per product: [{ lotId, steps, expiryMs }] oldest first */
  const raw = Object.fromEntries(RAW.map((r) => [r.id, []]));
  /** finished goods book per product: [{ lotId, qty, expiryMs }] earliest expiry first */
  const fg = { loaf: [], crackers: [] };
  const t0 = Date.parse(`${start}T00:00:00Z`);
  let receiptNo = 0;
  let shipmentNo = 0;

  for (let d = 0; d < days; d++) {
    const day = t0 + d * DAY;
    const at = (h, m = 0) => iso(day + h * 3_600_000 + m * 60_000);
    const cmds = [];

    // Goods receipt on Mondays and Thursdays (and on day 0): scan the supplier's GS1-128 pallet label.
    const weekday = new Date(day).getUTCDay();
    if (d === 0 || weekday === 1 || weekday === 4) {
      for (const r of RAW) {
        const need = d === 0 || raw[r.id].reduce((s, l) => s + l.steps, 0) < 2_500_000 * (RECIPE[r.id] / 86);
        if (!need && rand() < 0.6) continue;
        const steps = between(r.palletKg[0] * 1000, r.palletKg[1] * 1000);
        const supplierLot = `${r.supplier.slice(0, 3).toUpperCase()}${yymmdd(day)}-${between(100, 999)}`;
        const expiryMs = day + r.shelf * DAY;
        receiptNo++;
        cmds.push({
          command: 'receive',
          input: {
            scan: `(01)${r.gtin}(10)${supplierLot}(17)${yymmdd(expiryMs)}(3103)${String(steps).padStart(6, '0')}`,
            lotId: `R-${r.id}-${compact(day)}-${receiptNo}`,
            supplierId: r.supplier,
            locationId: 'WH-RAW',
            receiptId: `GRN-${receiptNo}`,
            originCountry: SUPPLIERS.find((s) => s[0] === r.supplier)[2],
            eventTime: at(6, receiptNo % 50),
            idempotencyKey: `grn-${receiptNo}`,
          },
        });
        raw[r.id].push({ lotId: `R-${r.id}-${compact(day)}-${receiptNo}`, steps, expiryMs });
      }
    }

    // Production: dough batches from raw lots (oldest first, spilling across lots), then loaves and crackers.
    const doughLots = [];
    for (let b = 0; b < doughBatches; b++) {
      const doughSteps = between(280, 360) * 1000;
      const inputs = [];
      for (const [id, perHundred] of Object.entries(RECIPE)) {
        let want = Math.round((doughSteps * perHundred) / 100);
        const book = raw[id];
        while (want > 0 && book.length > 0) {
          const lot = book[0];
          if (lot.expiryMs <= day) {
            book.shift();
            continue;
          }
          const take = Math.min(want, lot.steps);
          inputs.push({ lotId: lot.lotId, locationId: 'WH-RAW', quantity: kg(take) });
          lot.steps -= take;
          want -= take;
          if (lot.steps === 0) book.shift();
        }
      }
      const lotId = `D-${compact(day)}-${b + 1}`;
      cmds.push({
        command: 'produce',
        input: {
          orderId: `MO-${compact(day)}-${b + 1}`,
          inputs,
          outputs: [
            {
              lotId,
              productId: 'dough',
              locationId: 'LINE-1',
              quantity: kg(doughSteps),
              productionDate: ymd(day),
            },
          ],
          eventTime: at(8 + b * 2),
          idempotencyKey: `mo-${compact(day)}-${b + 1}`,
        },
      });
      doughLots.push({ lotId, steps: doughSteps });
    }
    // Loaves (0.8 kg dough each) from most of the dough; crackers from the rest.
    const loafInputs = [];
    const crackerInputs = [];
    let loafDough = 0;
    let crackerDough = 0;
    for (const dl of doughLots) {
      const forLoaves = Math.floor(dl.steps * 0.85);
      loafInputs.push({ lotId: dl.lotId, locationId: 'LINE-1', quantity: kg(forLoaves) });
      crackerInputs.push({ lotId: dl.lotId, locationId: 'LINE-1', quantity: kg(dl.steps - forLoaves) });
      loafDough += forLoaves;
      crackerDough += dl.steps - forLoaves;
    }
    const loaves = Math.floor(loafDough / 800);
    const crackers = Math.floor(crackerDough / 200);
    const loafLot = `L-${compact(day)}`;
    const crackerLot = `K-${compact(day)}`;
    cmds.push({
      command: 'produce',
      input: {
        orderId: `MO-${compact(day)}-L`,
        inputs: loafInputs,
        outputs: [
          {
            lotId: loafLot,
            productId: 'loaf',
            locationId: 'WH-FG',
            quantity: String(loaves),
            productionDate: ymd(day),
            expiry: ymd(day + 6 * DAY),
          },
        ],
        eventTime: at(13),
        idempotencyKey: `mo-${compact(day)}-L`,
      },
    });
    cmds.push({
      command: 'produce',
      input: {
        orderId: `MO-${compact(day)}-K`,
        inputs: crackerInputs,
        outputs: [
          {
            lotId: crackerLot,
            productId: 'crackers',
            locationId: 'WH-FG',
            quantity: String(crackers),
            productionDate: ymd(day),
            expiry: ymd(day + 120 * DAY),
          },
        ],
        eventTime: at(14),
        idempotencyKey: `mo-${compact(day)}-K`,
      },
    });
    fg.loaf.push({ lotId: loafLot, qty: loaves, expiryMs: day + 6 * DAY });
    fg.crackers.push({ lotId: crackerLot, qty: crackers, expiryMs: day + 120 * DAY });

    // Write off expired finished goods.
    for (const [productId, book] of Object.entries(fg)) {
      while (book.length > 0 && book[0].expiryMs < day) {
        const lot = book.shift();
        if (lot.qty > 0) {
          cmds.push({
            command: 'adjust',
            input: {
              lotId: lot.lotId,
              locationId: 'WH-FG',
              delta: `-${lot.qty}`,
              reasonCode: 'EXPIRED',
              note: `${productId} past its date`,
              eventTime: at(5),
              idempotencyKey: `wo-${lot.lotId}`,
            },
          });
        }
      }
    }

    // Shipments: a dozen customer orders a day, picked first-expired-first-out from lots not expired tomorrow.
    const orders = between(8, 14);
    for (let o = 0; o < orders; o++) {
      const customer = customerId(Math.floor(rand() ** 1.6 * customers));
      const lines = [];
      for (const [productId, book] of Object.entries(fg)) {
        let want = productId === 'loaf' ? between(10, 90) : between(0, 40);
        for (const lot of book) {
          if (want === 0) break;
          if (lot.qty === 0 || lot.expiryMs <= day + DAY) continue;
          const take = Math.min(want, lot.qty);
          lines.push({
            lotId: lot.lotId,
            locationId: 'WH-FG',
            quantity: String(take),
            orderLine: `${lines.length + 1}`,
          });
          lot.qty -= take;
          want -= take;
        }
      }
      if (lines.length === 0) continue;
      shipmentNo++;
      cmds.push({
        command: 'ship',
        input: {
          shipmentId: `SH-${String(shipmentNo).padStart(6, '0')}`,
          customerId: customer,
          orderRef: `PO-${customer}-${compact(day)}`,
          lines,
          eventTime: at(16, o),
          idempotencyKey: `sh-${shipmentNo}`,
        },
      });
    }
    yield cmds;
  }
}
