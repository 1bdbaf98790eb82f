import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { start } from '../src/server.mjs';

type Running = { url: string; close: () => Promise<void> };
let svc: Running;
beforeAll(async () => {
  svc = await start({ store: SqliteStore.open({ filename: ':memory:' }), port: 0 });
});
afterAll(async () => {
  await svc?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(svc.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.arrayBuffer() };
}

describe('WMS service over HTTP on 127.0.0.1', () => {
  it('sets up master data, receives by GS1 scan, ships, holds and traces', async () => {
    expect(
      (
        await call('POST', '/products', {
          id: 'flour',
          name: 'Flour',
          unit: 'kg',
          decimals: 3,
          gtin: '09506000134352',
        })
      ).status,
    ).toBe(201);
    await call('POST', '/products', { id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
    await call('POST', '/parties', { id: 'mill', name: 'Mill', roles: ['supplier'] });
    await call('POST', '/parties', { id: 'shop', name: 'Corner shop', roles: ['customer'] });
    await call('POST', '/locations', { id: 'WH', site: 'plant' });

    const rec = await call('POST', '/receipts', {
      scan: '(01)09506000134352(10)M-77(17)271231(3103)025000',
      supplierId: 'mill',
      locationId: 'WH',
    });
    expect(rec.status).toBe(201);
    expect(rec.body.type).toBe('received');
    const stock = await call('GET', '/stock?lotId=M-77');
    expect(stock.body).toEqual([{ lotId: 'M-77', locationId: 'WH', productId: 'flour', quantity: '25000' }]);

    await call('POST', '/production-orders', {
      orderId: 'PO-1',
      inputs: [{ lotId: 'M-77', locationId: 'WH', quantity: '20' }],
      outputs: [{ lotId: 'B-1', productId: 'bread', locationId: 'WH', quantity: '40' }],
    });
    const held = await call('POST', '/holds', { holdId: 'H1', lotId: 'B-1', reasonCode: 'complaint' });
    expect(held.status).toBe(201);
    const blocked = await call('POST', '/shipments', {
      shipmentId: 'S1',
      customerId: 'shop',
      lines: [{ lotId: 'B-1', locationId: 'WH', quantity: '5' }],
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('LOT_ON_HOLD');
    expect((await call('POST', '/holds/H1/release', {})).status).toBe(201);
    const shipped = await call('POST', '/shipments', {
      shipmentId: 'S1',
      customerId: 'shop',
      lines: [{ productId: 'bread', quantity: '12' }],
    });
    expect(shipped.status).toBe(201);

    // Allocate and reserve the rest of the loaves first-expired-first-out, confirm the pick by scanning.
    await call('POST', '/products', {
      id: 'oil',
      name: 'Oil',
      unit: 'kg',
      decimals: 3,
      gtin: '09506000134369',
    });
    await call('POST', '/receipts', {
      scan: '(01)09506000134369(10)OIL-1(17)271231(3103)010000',
      supplierId: 'mill',
      locationId: 'WH',
    });
    await call('POST', '/receipts', {
      scan: '(01)09506000134369(10)OIL-2(17)270630(3103)010000',
      supplierId: 'mill',
      locationId: 'WH',
    });
    const alloc = await call('POST', '/allocations', {
      productId: 'oil',
      quantity: '12',
      date: '2026-03-01',
    });
    expect(alloc.body.picks.map((p: { lotId: string }) => p.lotId)).toEqual(['OIL-2', 'OIL-1']);
    const res = await call('POST', '/reservations', {
      orderId: 'SO-9',
      productId: 'oil',
      quantity: '4',
      date: '2026-03-01',
    });
    expect(res.status).toBe(201);
    const reservationId = res.body.payload.reservations[0].reservationId;
    const wrong = await call('POST', '/picks/confirm', {
      reservationId,
      scan: '(01)09506000134369(10)OIL-1(17)271231',
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([409, 'GS1_MISMATCH']);
    expect(
      (await call('POST', '/picks/confirm', { reservationId, scan: '(01)09506000134369(10)OIL-2(17)270630' }))
        .status,
    ).toBe(201);
    expect(
      (await call('POST', `/reservations/${encodeURIComponent(reservationId)}/release`, {})).status,
    ).toBe(201);

    const fwd = await call('GET', '/trace/forward/M-77');
    expect(fwd.status).toBe(200);
    expect(fwd.body.customers).toEqual([
      expect.objectContaining({
        customerId: 'shop',
        name: 'Corner shop',
        quantities: [{ productId: 'bread', quantity: '12', unit: 'pc' }],
      }),
    ]);
    const back = await call('GET', '/trace/backward/B-1');
    expect(back.body.supplierLots.map((l: { lotId: string }) => l.lotId)).toEqual(['M-77']);
    expect((await call('GET', '/ledger/verify')).body.ok).toBe(true);

    // A mock recall of the flour lot, its notification workflow and its evidence downloads.
    const drill = await call('POST', '/recalls', {
      recallId: 'D1',
      lots: ['M-77'],
      reason: 'mock recall',
      classification: 'I',
      drill: true,
    });
    expect(drill.status).toBe(201);
    expect(drill.body.scope.customers.map((c: { customerId: string }) => c.customerId)).toEqual(['shop']);
    expect(
      (await call('POST', '/recalls/D1/notifications', { customerId: 'shop', channel: 'email' })).status,
    ).toBe(201);
    const ev = await call('GET', '/recalls/D1/evidence.json');
    expect(ev.body.effectiveness).toMatchObject({ consignees: 1, notified: 1, met: true });
    const pdf = await call('GET', '/recalls/D1/report.pdf');
    expect(
      Buffer.from(pdf.body as ArrayBuffer)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await call('POST', '/recalls/D1/close', { summary: 'drill done' })).status).toBe(201);
    expect(
      (await call('GET', '/recalls/nope')).body.error.field ??
        (await call('GET', '/recalls/nope')).body.error.details.field,
    ).toBe('recallId');
  });

  it('answers errors as JSON with the sdk error code, the field, and the right status', async () => {
    const badScan = await call('POST', '/receipts', {
      scan: '(01)09506000134353(10)X',
      supplierId: 'mill',
      locationId: 'WH',
    });
    expect(badScan.status).toBe(400);
    expect(badScan.body.error.code).toMatch(/GS1_INVALID|VALIDATION_FAILED/);
    const badQty = await call('POST', '/receipts', {
      lotId: 'X',
      productId: 'flour',
      locationId: 'WH',
      quantity: 1.5,
    });
    expect(badQty.status).toBe(400);
    expect(badQty.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(badQty.body.error)).toContain('quantity');
    const missing = await call('GET', '/trace/forward/NOPE');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'LOT_NOT_FOUND']);
    const tooMuch = await call('POST', '/moves', {
      lotId: 'M-77',
      fromLocationId: 'WH',
      toLocationId: 'WH2',
      quantity: '1',
    });
    expect(tooMuch.status).toBe(404);
    expect((await call('POST', '/receipts', '{not json')).body.error.code).toBe('VALIDATION_FAILED');
    expect((await call('GET', '/nowhere')).status).toBe(404);
    expect((await call('DELETE', '/receipts')).status).toBe(405);
    // Nothing of the refused requests was stored.
    expect((await call('GET', '/stock?lotId=X')).body).toEqual([]);
  });
});

describe('WMS service on PostgreSQL (LOTGRAPH_POSTGRES_URL)', async () => {
  // @ts-expect-error — plain ESM module without types
  const { openStore } = await import('../src/server.mjs');
  const { postgresAvailable, freshSchema, PG_URL } = await import(
    '../../../packages/adapters/test/pg-helpers.js'
  );
  const up = await postgresAvailable();
  it.skipIf(!up)('opens the store named by the environment and serves from it', async () => {
    const schema = freshSchema('wms');
    const store = await openStore({ LOTGRAPH_POSTGRES_URL: PG_URL, LOTGRAPH_POSTGRES_SCHEMA: schema });
    expect(store.name).toBe(`postgres:${schema}`);
    const pgSvc = await start({ store, port: 0 });
    const post = (p: string, b: unknown) =>
      fetch(pgSvc.url + p, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(b),
      });
    expect((await post('/products', { id: 'salt', name: 'Salt', unit: 'kg', decimals: 3 })).status).toBe(201);
    await post('/locations', { id: 'WH', site: 'plant' });
    expect(
      (await post('/receipts', { lotId: 'S-1', productId: 'salt', locationId: 'WH', quantity: '2.5' }))
        .status,
    ).toBe(201);
    const stock = await (await fetch(`${pgSvc.url}/stock?lotId=S-1`)).json();
    expect(stock).toEqual([{ lotId: 'S-1', locationId: 'WH', productId: 'salt', quantity: '2500' }]);
    await pgSvc.close();
    const { PostgresStore } = await import('@lotgraph/adapters/postgres');
    await (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema();
  });

  it.skipIf(!up)(
    'keeps answering while its database connections are terminated (nothing acknowledged lost)',
    async () => {
      const pg = (await import('pg')).default;
      const schema = freshSchema('wmsfault');
      const app = `lgt-${schema}`.slice(0, 63);
      process.env.LOTGRAPH_QUIET = '1';
      const store = await openStore({
        LOTGRAPH_POSTGRES_URL: `${PG_URL}?application_name=${app}`,
        LOTGRAPH_POSTGRES_SCHEMA: schema,
      });
      const svc = await start({ store, port: 0 });
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      const post = (p: string, b: unknown) =>
        fetch(svc.url + p, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(b),
        });
      try {
        await post('/products', { id: 'salt', name: 'Salt', unit: 'kg', decimals: 3 });
        await post('/locations', { id: 'WH', site: 'plant' });
        const acked: string[] = [];
        for (let i = 0; i < 20; i++) {
          if (i % 4 === 0)
            await admin.query(
              'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
              [app],
            );
          const r = await post('/receipts', {
            lotId: `S-${i}`,
            productId: 'salt',
            locationId: 'WH',
            quantity: '1',
          });
          if (r.status === 201) acked.push(`S-${i}`);
          else expect(r.status).toBe(503); // typed STORE_UNAVAILABLE, never a crash or a 500
        }
        expect(acked.length).toBeGreaterThan(0);
        for (const lotId of acked) expect((await fetch(`${svc.url}/lots/${lotId}`)).status).toBe(200);
        expect((await svc.lg.verifyLedger()).ok).toBe(true);
      } finally {
        await admin.end();
        await svc.close();
        const { PostgresStore } = await import('@lotgraph/adapters/postgres');
        await (await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 })).dropSchema();
        delete process.env.LOTGRAPH_QUIET;
      }
    },
  );
});
