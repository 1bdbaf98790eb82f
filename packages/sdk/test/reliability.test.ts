// Regression tests for the reliability issue (#14): hostile input never alters what is stored, never
// escapes as an untyped error, and a committed command is never reported failed.
import {
  epcisToCommands,
  exportEpcis,
  fsma204Csv,
  hashEventSync,
  isLotgraphError,
  LIMITS,
  Lotgraph,
  LotgraphError,
  MemoryStore,
  type StoredEvent,
  ValidationError,
  verifyLedger,
} from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore, testClock } from './helpers.js';

/** Expect `fn` to reject with VALIDATION_FAILED whose issues name `field` (a path prefix). */
async function rejectsNaming(fn: () => Promise<unknown>, field: string): Promise<ValidationError> {
  const e = await fn().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `expected a rejection naming ${field}`).toBeInstanceOf(LotgraphError);
  const err = e as LotgraphError;
  expect(err.code).toBe('VALIDATION_FAILED');
  const paths = err instanceof ValidationError ? err.issues.map((i) => i.path.join('.')) : [];
  expect(paths.some((p) => p === field || p.startsWith(`${field}.`))).toBe(true);
  return err as ValidationError;
}

const receive = { lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '10' };
/** Cases per property: small in `npm test`, 100k+ in `npm run soak` (LOTGRAPH_FUZZ_RUNS). */
const RUNS = Number(process.env.LOTGRAPH_FUZZ_RUNS ?? 0);
const runs = (ci: number) => (RUNS > 0 ? RUNS : ci);

/** Methods a caller may not use on an instance under test here (they end it, or are TypeScript-private). */
const NOT_FUZZED = new Set([
  'constructor',
  'close',
  'rebuildProjections',
  'report',
  'serial',
  'command',
  'emit',
  'syncUnlocked',
]);

/** Every public method of a Lotgraph and of its facades (`lg.trace.forward`, …), by name. */
function publicFunctions(lg: Lotgraph): [string, (a: unknown, b: unknown) => Promise<unknown>][] {
  const out: [string, (a: unknown, b: unknown) => Promise<unknown>][] = [];
  const target = lg as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(lg))) {
    const fn = target[name];
    if (!NOT_FUZZED.has(name) && typeof fn === 'function')
      out.push([name, async (a, b) => fn.call(lg, a, b)]);
  }
  for (const ns of [
    'stock',
    'trace',
    'allocation',
    'quality',
    'documents',
    'alerts',
    'serials',
    'units',
    'imports',
    'outbox',
    'recall',
    'exports',
  ]) {
    const facade = target[ns] as Record<string, unknown>;
    for (const [name, fn] of Object.entries(facade))
      if (typeof fn === 'function') out.push([`${ns}.${name}`, async (a, b) => fn.call(facade, a, b)]);
  }
  return out;
}

describe('1. strings every store keeps unchanged', () => {
  const lone = ['bob\ud800', 'x\udc00y', '\ud800', 'a\ud83d'];
  for (const field of ['actor', 'idempotencyKey', 'lotId', 'locationId', 'supplierLotNumber'] as const) {
    it(`refuses a lone surrogate in ${field} and stores nothing`, async () => {
      const { lg, store } = await bakery();
      const before = await snapshotStore(store);
      for (const bad of lone) {
        const err = await rejectsNaming(() => lg.receive({ ...receive, [field]: bad }), field);
        expect(err.message).toMatch(/well-formed Unicode/);
      }
      expect(await snapshotStore(store)).toEqual(before);
    });
  }

  it('refuses NUL in free text and in master data, naming the field', async () => {
    const { lg, store } = await bakery();
    const before = await snapshotStore(store);
    await rejectsNaming(() => lg.receive({ ...receive, supplierLotNumber: 'a\u0000b' }), 'supplierLotNumber');
    await rejectsNaming(
      () => lg.defineParty({ id: 'p', name: 'Evil\u0000 Co', roles: ['supplier'] }),
      'name',
    );
    await rejectsNaming(
      () => lg.receive({ ...receive, attributes: { 'k\u0000': 'v' } }),
      'attributes.k\u0000',
    );
    expect(await snapshotStore(store)).toEqual(before);
  });

  it('accepts well-formed astral characters and stores them unchanged', async () => {
    const { lg } = await bakery();
    await lg.receive({ ...receive, lotId: 'LOT-😀', supplierLotNumber: '𝔸-1', actor: 'zoë' });
    const lot = await lg.lot('LOT-😀');
    expect(lot?.supplierLotNumber).toBe('𝔸-1');
    expect((await lg.verifyLedger()).ok).toBe(true);
  });

  it('property: any string in any receive field is stored exactly or refused with VALIDATION_FAILED', async () => {
    const { lg } = await bakery();
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('\ud800', 'a\udfff', '\u0000', 'x\u0000y'),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, text, async (lotSuffix, supplierLot) => {
        const lotId = `L${n++}-${lotSuffix}`;
        try {
          await lg.receive({ ...receive, lotId, supplierLotNumber: supplierLot });
        } catch (e) {
          expect(isLotgraphError(e, 'VALIDATION_FAILED')).toBe(true);
          return;
        }
        const lot = await lg.lot(lotId);
        expect(lot?.id).toBe(lotId);
        expect(lot?.supplierLotNumber).toBe(supplierLot);
      }),
      { numRuns: runs(150) },
    );
    expect((await lg.verifyLedger()).ok).toBe(true);
  });
});

describe('2. strict command inputs', () => {
  it('names unknown keys with a did-you-mean hint and stores nothing', async () => {
    const { lg, store } = await bakery();
    const before = await snapshotStore(store);
    const err = await rejectsNaming(
      () => lg.receive({ ...receive, expiryDate: '2027-01-01', supplierLotNo: 'ABC' } as never),
      'expiryDate',
    );
    const messages = err.issues.map((i) => i.message).join(' | ');
    expect(messages).toContain('unknown key "expiryDate" (did you mean "expiry"?)');
    expect(messages).toContain('unknown key "supplierLotNo" (did you mean "supplierLotNumber"?)');
    expect(err.issues.map((i) => i.path.join('.'))).toContain('supplierLotNo');
    expect(await snapshotStore(store)).toEqual(before);
  });

  it('refuses unknown keys in nested lines, holds and recalls', async () => {
    const { lg } = await bakery();
    await lg.receive(receive);
    const e1 = await rejectsNaming(
      () =>
        lg.produce({
          orderId: 'P',
          inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1', qty: '1' } as never],
          outputs: [{ lotId: 'D1', productId: 'dough', locationId: 'WH', quantity: '1' }],
        }),
      'inputs.0.qty',
    );
    expect(e1.issues[0]?.message).toContain('did you mean "quantity"?');
    const e2 = await rejectsNaming(
      () => lg.hold({ holdId: 'H', lotId: 'F1', reasonCode: 'QC', reason: 'mould' } as never),
      'reason',
    );
    expect(e2.issues[0]?.message).toContain('did you mean "reasonCode"?');
    const e3 = await rejectsNaming(
      () => lg.recall.open({ recallId: 'R', lotIds: ['F1'], reason: 'x', classification: 'I' } as never),
      'lotIds',
    );
    expect(e3.issues.some((i) => i.message.includes('did you mean "lots"?'))).toBe(true);
    expect(await lg.recall.list()).toEqual([]);
  });
});

describe('3. redefining master data never drops an identifier by omission', () => {
  it('refuses a product redefinition without its GTIN; gtin: null removes it explicitly', async () => {
    const { lg } = await bakery();
    await rejectsNaming(
      () => lg.defineProduct({ id: 'flour', name: 'Flour 2', unit: 'kg', decimals: 3 }),
      'gtin',
    );
    expect((await lg.store.getProduct('flour'))?.gtin).toBe('09506000134352');
    // Repeating it keeps scans working.
    await lg.defineProduct({ id: 'flour', name: 'Flour 2', unit: 'kg', decimals: 3, gtin: '09506000134352' });
    await lg.receive({ scan: '(01)09506000134352(10)SC1(3103)001000', locationId: 'WH' });
    await lg.defineProduct({ id: 'flour', name: 'Flour 3', unit: 'kg', decimals: 3, gtin: null });
    expect((await lg.store.getProduct('flour'))?.gtin).toBeUndefined();
    await expect(
      lg.receive({ scan: '(01)09506000134352(10)SC2(3103)001000', locationId: 'WH' }),
    ).rejects.toMatchObject({
      code: 'PRODUCT_NOT_FOUND',
    });
  });

  it('keeps party and location GLNs the same way', async () => {
    const { lg } = await bakery();
    await rejectsNaming(() => lg.defineParty({ id: 'mill', name: 'Mill', roles: ['supplier'] }), 'gln');
    await lg.defineLocation({ id: 'DOCK', site: 'bakery', gln: '9506000000018' });
    await rejectsNaming(() => lg.defineLocation({ id: 'DOCK', site: 'bakery' }), 'gln');
    await lg.defineLocation({ id: 'DOCK', site: 'bakery', gln: null });
    expect((await lg.store.getLocation('DOCK'))?.gln).toBeUndefined();
  });
});

describe('5. ledger verification', () => {
  async function ledger() {
    const { lg, store } = await bakery();
    await lg.receive(receive);
    await lg.move({ lotId: 'F1', fromLocationId: 'WH', toLocationId: 'LINE', quantity: '2' });
    await lg.adjust({ lotId: 'F1', locationId: 'WH', delta: '-1', reasonCode: 'DAMAGE' });
    return { lg, store, head: (await store.head()).seq };
  }
  const rehash = (e: StoredEvent) => {
    const { hash: _h, ...body } = e;
    e.hash = hashEventSync(body);
  };

  it('reports an edit whose hash was recomputed at exactly the edited seq', async () => {
    const { lg, store, head } = await ledger();
    store.tamperForTesting(head - 1, (e) => {
      e.actor = 'mallory';
      rehash(e);
    });
    expect(await lg.verifyLedger()).toMatchObject({ ok: false, seq: head - 1 });
  });

  it('reports a rewritten newest event (hash recomputed) at its seq', async () => {
    const { lg, store, head } = await ledger();
    store.tamperForTesting(head, (e) => {
      e.actor = 'mallory';
      rehash(e);
    });
    expect(await lg.verifyLedger()).toMatchObject({ ok: false, seq: head });
  });

  it('reports an edited prevHash (hash recomputed) at the edited event', async () => {
    const { lg, store, head } = await ledger();
    store.tamperForTesting(head - 1, (e) => {
      e.prevHash = 'f'.repeat(64);
      rehash(e);
    });
    expect(await lg.verifyLedger()).toMatchObject({ ok: false, seq: head - 1 });
  });

  it('reports a row the store cannot read back as tampered at that seq, never a SyntaxError', async () => {
    const { store, head } = await ledger();
    const broken = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'readEvents')
          return async (from: number, limit?: number) => {
            const end = limit === undefined ? Number.POSITIVE_INFINITY : from + limit - 1;
            if (from <= head - 1 && head - 1 <= end) throw new SyntaxError('Unexpected token } in JSON');
            return target.readEvents(from, limit);
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const lg = await Lotgraph.open({ store: broken, clock: testClock() });
    const v = await lg.verifyLedger();
    expect(v).toMatchObject({ ok: false, seq: head - 1 });
    expect(v.ok === false && v.reason).toMatch(/cannot be read back/);
    await expect(lg.assertLedgerIntact()).rejects.toMatchObject({
      code: 'LEDGER_TAMPERED',
      details: { seq: head - 1 },
    });
  });

  it('a re-chained rewrite is caught by the head; a replaced history only by a checkpoint kept elsewhere', async () => {
    const { lg, store, head } = await ledger();
    const cp = await lg.ledgerCheckpoint();
    expect(cp).toEqual({ seq: head, hash: (await store.head()).hash });
    // Rewrite event head-1 and re-chain everything after it: the head still names the original hash.
    const events = await store.readEvents(head - 1);
    let prev = events[0]?.prevHash as string;
    for (const e of events) {
      store.tamperForTesting(e.seq, (x) => {
        if (x.seq === head - 1) x.actor = 'mallory';
        x.prevHash = prev;
        rehash(x);
        prev = x.hash;
      });
    }
    expect(await lg.verifyLedger()).toMatchObject({ ok: false, seq: head });
    // A whole fabricated history of the same length (store swapped or rewritten with its head): internally
    // consistent, so only the checkpoint taken earlier tells.
    const forged = await ledger();
    await forged.lg.adjust({ lotId: 'F1', locationId: 'WH', delta: '-2', reasonCode: 'DAMAGE' });
    expect((await forged.lg.verifyLedger()).ok).toBe(true);
    const v = await forged.lg.verifyLedger({ checkpoints: [cp] });
    expect(v).toMatchObject({ ok: false, seq: head });
    expect(v.ok === false && v.reason).toMatch(/checkpoint/);
    // A history cut short of the checkpoint is caught too.
    const shorter = await bakery();
    expect(await shorter.lg.verifyLedger({ checkpoints: [cp] })).toMatchObject({ ok: false });
    await expect(lg.verifyLedger({ checkpoints: [{ seq: 'x' } as never] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('5. tamper property', () => {
  it('property: any single edit of any event, hash recomputed or not, is reported at exactly that seq', async () => {
    const { lg, store } = await bakery();
    await lg.receive(receive);
    await lg.receive({ ...receive, lotId: 'S1', productId: 'salt', quantity: '5' });
    await lg.produce({
      orderId: 'P1',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '4' }],
      outputs: [{ lotId: 'D1', productId: 'dough', locationId: 'WH', quantity: '4' }],
    });
    await lg.hold({ holdId: 'H1', lotId: 'D1', reasonCode: 'QC' });
    const head = (await store.head()).seq;
    const original = await store.readEvents(1);
    const edits: Record<string, (e: StoredEvent) => void> = {
      actor: (e) => {
        e.actor = `${e.actor}x`;
      },
      eventTime: (e) => {
        e.eventTime = '1999-01-01T00:00:00.000Z';
      },
      type: (e) => {
        e.type = e.type === 'held' ? 'released' : 'held';
      },
      payload: (e) => {
        (e.payload as Record<string, unknown>).injected = 1;
      },
      prevHash: (e) => {
        e.prevHash = 'a'.repeat(64);
      },
      idempotencyKey: (e) => {
        e.idempotencyKey = `${e.idempotencyKey}x`;
      },
    };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: head }),
        fc.constantFrom(...Object.keys(edits)),
        fc.boolean(),
        async (seq, field, recompute) => {
          store.tamperForTesting(seq, (e) => {
            (edits[field] as (e: StoredEvent) => void)(e);
            if (recompute) {
              const { hash: _h, ...body } = e;
              e.hash = hashEventSync(body);
            }
          });
          try {
            expect(await lg.verifyLedger()).toMatchObject({ ok: false, seq });
          } finally {
            store.tamperForTesting(seq, (e) => Object.assign(e, structuredClone(original[seq - 1])));
          }
          expect((await lg.verifyLedger()).ok).toBe(true);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe('6. a committed command is never reported failed', () => {
  it('a failing read while emitting goes to onError; the command and later ones resolve', async () => {
    const store = new MemoryStore();
    let failReads = false;
    const flaky = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'readEvents')
          return (from: number, limit?: number) => {
            if (failReads) return Promise.reject(new Error('connection reset'));
            return target.readEvents(from, limit);
          };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const errors: { error: unknown; source: string }[] = [];
    const lg = await Lotgraph.open({
      store: flaky,
      clock: testClock(),
      onError: (error, ctx) => errors.push({ error, source: ctx.source }),
    });
    const seen: number[] = [];
    lg.on('*', (e) => {
      seen.push(e.seq);
    });
    lg.on('locationDefined', () => {
      throw new Error('subscriber bug');
    });
    await lg.defineLocation({ id: 'WH', site: 's' });
    failReads = true;
    const ev = await lg.defineLocation({ id: 'L2', site: 's' });
    expect(ev.seq).toBe(2);
    failReads = false;
    const ev3 = await lg.defineLocation({ id: 'L3', site: 's' });
    expect(ev3.seq).toBe(3);
    expect(seen).toEqual([1, 2, 3]); // the event missed while reads failed is delivered by the next emit
    expect(errors.map((e) => e.source)).toEqual(['subscriber', 'emit', 'subscriber', 'subscriber']);
    expect((await store.readEvents(1)).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('an onError hook that throws is contained too', async () => {
    const lg = await Lotgraph.open({
      store: new MemoryStore(),
      onError: () => {
        throw new Error('hook bug');
      },
    });
    lg.on('*', () => {
      throw new Error('subscriber bug');
    });
    await expect(lg.defineLocation({ id: 'WH', site: 's' })).resolves.toMatchObject({ seq: 1 });
  });
});

describe('9 & 10. bad arguments to public functions only ever throw LotgraphError', () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 10_000; i++) deep = [deep];

  const cases: [string, (lg: Lotgraph) => Promise<unknown>][] = [
    ['deeply nested id', (lg) => lg.defineProduct({ id: deep, name: 'a', unit: 'kg', decimals: 0 } as never)],
    ['deeply nested attribute', (lg) => lg.receive({ ...receive, attributes: { a: deep } } as never)],
    ['batch(null)', (lg) => lg.batch(null as never)],
    ['batch({})', (lg) => lg.batch({} as never)],
    ['batch([null])', (lg) => lg.batch([null] as never)],
    ['batch __proto__', (lg) => lg.batch([{ command: '__proto__', input: {} }] as never)],
    ['batch toString', (lg) => lg.batch([{ command: 'toString', input: {} }] as never)],
    ['lot({})', (lg) => lg.lot({} as never)],
    ['lot(true)', (lg) => lg.lot(true as never)],
    ['shipment(1)', (lg) => lg.shipment(1 as never)],
    ['forwardRefs(5)', (lg) => lg.trace.forwardRefs(5 as never)],
    ['backwardRefs([])', (lg) => lg.trace.backwardRefs([])],
    ['trace.forward(null)', (lg) => lg.trace.forward(null as never)],
    ['trace.oneStep({})', (lg) => lg.trace.oneStep({} as never)],
    ['lowStock thresholds null', (lg) => lg.alerts.lowStock({ thresholds: null } as never)],
    ['expiring no date', (lg) => lg.alerts.expiring({ withinDays: 3 } as never)],
    ['expiredOnHand(7)', (lg) => lg.alerts.expiredOnHand(7 as never)],
    ['stock.onHand(null)', (lg) => lg.stock.onHand(null as never)],
    ['stock.ofProduct(undefined)', (lg) => lg.stock.ofProduct(undefined as never)],
    ['massBalance([])', (lg) => lg.stock.massBalance([] as never)],
    ['documents.get(0)', (lg) => lg.documents.get(0 as never)],
    ['documents.list bad key', (lg) => lg.documents.list({ lot: 'x' } as never)],
    [
      'attach non-base64 content',
      (lg) =>
        lg.documents.attach({
          documentId: 'd',
          kind: 'coa',
          title: 't',
          mediaType: 'a/b',
          content: 'abc',
          lotIds: ['F1'],
        }),
    ],
    [
      'epcis eventList [null]',
      (lg) => lg.imports.epcis({ type: 'EPCISDocument', epcisBody: { eventList: [null] } }),
    ],
    [
      'epcis event with a bad field',
      (lg) =>
        lg.imports.epcis({
          type: 'EPCISDocument',
          epcisBody: {
            eventList: [
              { type: 'ObjectEvent', bizStep: 'receiving', eventID: 'urn:lotgraph:event:x', quantityList: 5 },
            ],
          },
        }),
    ],
    ['epcis chunk 0', (lg) => lg.imports.epcis({}, { chunk: 0 })],
    ['quality.verdict(1)', (lg) => lg.quality.verdict(1 as never)],
    ['quality.coa(null)', (lg) => lg.quality.coa(null as never)],
    ['recall.evidence(1)', (lg) => lg.recall.evidence(1 as never)],
    ['recall.letters sender', (lg) => lg.recall.letters('R', 5 as never)],
    ['exports.fsma204Csv bad', (lg) => lg.exports.fsma204Csv({ from: 'yesterday' })],
    ['exports.epcis bad', (lg) => lg.exports.epcis(null as never)],
    ['exports.oneStepCsv(1)', (lg) => lg.exports.oneStepCsv(1 as never)],
    ['on(bad type)', async (lg) => lg.on('nope' as never, () => undefined)],
    ['on(no handler)', async (lg) => lg.on('*', null as never)],
    ['rebuildProjections(null)', (lg) => lg.rebuildProjections(null as never)],
    [
      'a 10 MB party name',
      (lg) => lg.defineParty({ id: 'p', name: 'x'.repeat(10_000_000), roles: ['customer'] }),
    ],
    ['a 1M-digit quantity', (lg) => lg.receive({ ...receive, quantity: '9'.repeat(1_000_000) })],
    ['a quantity beyond 10^15 steps', (lg) => lg.receive({ ...receive, quantity: '1000000000000' })],
    ['a 201-character id', (lg) => lg.receive({ ...receive, lotId: 'L'.repeat(201) })],
    [
      'an 11,000-character note',
      (lg) => lg.hold({ holdId: 'H', lotId: 'F1', reasonCode: 'QC', note: 'n'.repeat(11_000) }),
    ],
  ];
  for (const [name, call] of cases) {
    it(`${name} → a LotgraphError, store unchanged`, async () => {
      const { lg, store } = await bakery();
      await lg.receive(receive);
      const before = await snapshotStore(store);
      const e = await call(lg).then(
        () => 'resolved',
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(LotgraphError);
      expect(await snapshotStore(store)).toEqual(before);
    });
  }

  it('the standalone functions check their arguments too', async () => {
    const { store } = await bakery();
    for (const call of [
      () => verifyLedger(null as never),
      () => verifyLedger(store, { pageSize: 0 }),
      () => fsma204Csv({} as never),
      () => fsma204Csv(store, { lot: 'x' } as never),
      () => exportEpcis(store, { creationDate: 'soon' }),
      () => epcisToCommands(undefined as never, {}),
    ])
      await expect(call()).rejects.toBeInstanceOf(LotgraphError);
  });

  it('Lotgraph.open validates its options', async () => {
    await expect(Lotgraph.open(null as never)).rejects.toBeInstanceOf(LotgraphError);
    await expect(Lotgraph.open({ store: {} } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(Lotgraph.open({ store: new MemoryStore(), actor: '' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('documents its limits', () => {
    expect(LIMITS).toMatchObject({ id: 200, name: 500, text: 10_000, quantity: 40, depth: 32 });
    expect(LIMITS.maxSteps).toBe(999_999_999_999_999n);
  });

  it('property: arbitrary values through every public function throw nothing but LotgraphError', async () => {
    const { lg } = await bakery();
    await lg.receive(receive);
    const calls = publicFunctions(lg);
    // Every facade is reached (a new namespace or method is fuzzed without editing this list).
    for (const name of [
      'receive',
      'batch',
      'trace.forward',
      'serials.commission',
      'units.pack',
      'imports.epcis',
    ])
      expect(calls.map(([n]) => n)).toContain(name);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: calls.length - 1 }),
        fc.anything({ maxDepth: 3, withBigInt: true, withNullPrototype: true, withTypedArray: true }),
        fc.anything({ maxDepth: 2 }),
        async (i, a, b) => {
          const [name, call] = calls[i]!;
          try {
            await call(a, b);
          } catch (e) {
            if (!(e instanceof LotgraphError))
              throw new Error(`${name} threw a non-LotgraphError`, { cause: e });
          }
        },
      ),
      { numRuns: runs(400) },
    );
    expect((await lg.verifyLedger()).ok).toBe(true);
  });
});
