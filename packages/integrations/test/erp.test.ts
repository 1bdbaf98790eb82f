import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Lotgraph, MemoryStore, ValidationError } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DeliveryError,
  erpPushSender,
  exactConnector,
  fileCheckpointStore,
  MemoryCheckpointStore,
  pushToErp,
  type SyncProgress,
  sapConnector,
  syncFromErp,
} from '../src/index.js';
import { json, odataDate, page, startServer } from './erp-servers.js';
import { testClock } from './scenario.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-erp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plant(store = new MemoryStore()) {
  const lg = await Lotgraph.open({ store, clock: testClock(), actor: 'erp' });
  await lg.defineProduct({ id: 'TG11', name: 'Sugar', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'TG12', name: 'Cocoa', unit: 'kg', decimals: 3 });
  await lg.defineParty({ id: 'SUP-1', name: 'Sugar Co', roles: ['supplier'] });
  await lg.defineLocation({ id: 'WH-101A', site: '1010' });
  return lg;
}

// ── SAP S/4HANA shapes ──────────────────────────────────────────────────
const sapBatches = [
  {
    Material: 'TG11',
    BatchIdentifyingPlant: '1010',
    Batch: 'B001',
    Supplier: '17300001',
    BatchBySupplier: 'SUGAR-77',
    CountryOfOrigin: 'BR',
    ManufactureDate: odataDate('2026-01-10'),
    ShelfLifeExpirationDate: odataDate('2027-01-10'),
    LastChangeDateTime: '/Date(1767225600000+0000)/',
  },
  {
    Material: 'TG11',
    BatchIdentifyingPlant: '1010',
    Batch: 'B002',
    Supplier: '17300001',
    BatchBySupplier: 'SUGAR-78',
    CountryOfOrigin: 'BR',
    ManufactureDate: null,
    ShelfLifeExpirationDate: odataDate('2027-02-01'),
    LastChangeDateTime: '/Date(1767312000000+0000)/',
  },
  {
    Material: 'TG12',
    BatchIdentifyingPlant: '1010',
    Batch: 'C001',
    Supplier: '',
    BatchBySupplier: '',
    CountryOfOrigin: 'GH',
    ManufactureDate: null,
    ShelfLifeExpirationDate: odataDate('2026-12-31'),
    LastChangeDateTime: '/Date(1767398400000+0000)/',
  },
];
const sapItem = (
  doc: string,
  item: string,
  material: string,
  batch: string,
  qty: string,
  dc: 'S' | 'H',
  type: string,
) => ({
  MaterialDocumentYear: '2026',
  MaterialDocument: doc,
  MaterialDocumentItem: item,
  Material: material,
  Plant: '1010',
  StorageLocation: '101A',
  Batch: batch,
  GoodsMovementType: type,
  DebitCreditCode: dc,
  QuantityInEntryUnit: qty,
  EntryUnit: 'KG',
  Supplier: dc === 'S' ? '17300001' : '',
});
const sapDocs = [
  {
    MaterialDocumentYear: '2026',
    MaterialDocument: '4900000001',
    CreationDate: odataDate('2026-03-01'),
    CreationTime: 'PT09H00M00S',
    PostingDate: odataDate('2026-03-01'),
    to_MaterialDocumentItem: {
      results: [
        sapItem('4900000001', '1', 'TG11', 'B001', '100.000', 'S', '101'),
        sapItem('4900000001', '2', 'TG12', 'C001', '40.500', 'S', '101'),
      ],
    },
  },
  {
    MaterialDocumentYear: '2026',
    MaterialDocument: '4900000002',
    CreationDate: odataDate('2026-03-01'),
    CreationTime: 'PT10H00M00S',
    PostingDate: odataDate('2026-03-01'),
    to_MaterialDocumentItem: {
      results: [
        sapItem('4900000002', '1', 'TG11', 'B002', '25', 'S', '101'),
        { ...sapItem('4900000002', '2', 'TG11', '', '5', 'S', '101') },
      ],
    },
  },
  {
    MaterialDocumentYear: '2026',
    MaterialDocument: '4900000003',
    CreationDate: odataDate('2026-03-02'),
    CreationTime: 'PT08H00M00S',
    PostingDate: odataDate('2026-03-02'),
    to_MaterialDocumentItem: {
      results: [
        sapItem('4900000003', '1', 'TG11', 'B001', '30', 'H', '261'),
        sapItem('4900000003', '2', 'TG12', 'C001', '99', 'H', '261'),
      ],
    },
  },
];

/** An SAP-shaped OData v2 server: paging, a 429 on the first movements request, optional connection drop. */
async function sapServer(opts: { drop?: string } = {}) {
  let throttled = false;
  const created = {
    batches: [] as unknown[],
    docs: [] as { MaterialDocumentHeaderText: string }[],
    patches: [] as unknown[],
  };
  const srv = await startServer((req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const p = url.pathname;
    if (req.headers['x-csrf-token'] === 'fetch')
      return json(
        res,
        200,
        { d: { EntitySets: ['Batch'] } },
        { 'x-csrf-token': 'tok-1', 'set-cookie': 'SAP_SESSIONID=abc; path=/' },
      );
    if (
      req.method !== 'GET' &&
      (req.headers['x-csrf-token'] !== 'tok-1' || !String(req.headers.cookie).includes('SAP_SESSIONID=abc'))
    )
      return json(res, 403, { error: { message: { value: 'CSRF token validation failed' } } });
    if (p.endsWith('/API_BATCH_SRV/Batch') && req.method === 'GET') {
      const f = url.searchParams.get('$filter');
      const since = f ? Date.parse(/datetimeoffset'([^']+)'/.exec(f)![1]!) : -Infinity;
      const rows = sapBatches.filter((b) => Number(/\((\d+)/.exec(b.LastChangeDateTime)![1]) > since);
      return page(res, srv.url, rows, 2, url);
    }
    const key = /Batch\(Material='([^']*)',BatchIdentifyingPlant='([^']*)',Batch='([^']*)'\)$/.exec(p);
    if (key && req.method === 'GET') {
      const all = [...sapBatches, ...(created.batches as typeof sapBatches)];
      const b = all.find((x) => x.Material === key[1] && x.Batch === key[3]);
      return b ? json(res, 200, { d: b }) : json(res, 404, { error: { message: { value: 'not found' } } });
    }
    if (key && req.method === 'PATCH') {
      created.patches.push({ batch: key[3], ...JSON.parse(body) });
      res.writeHead(204).end();
      return;
    }
    if (p.endsWith('/API_BATCH_SRV/Batch') && req.method === 'POST') {
      created.batches.push(JSON.parse(body));
      return json(res, 201, { d: JSON.parse(body) });
    }
    if (p.endsWith('/A_MaterialDocumentHeader') && req.method === 'GET') {
      const f = url.searchParams.get('$filter') ?? '';
      const text = /MaterialDocumentHeaderText eq '([^']*)'/.exec(f);
      if (text)
        return json(res, 200, {
          d: { results: created.docs.filter((d) => d.MaterialDocumentHeaderText === text[1]) },
        });
      if (!throttled) {
        throttled = true;
        return json(res, 429, { error: 'slow down' }, { 'retry-after': '3' });
      }
      const skip = url.searchParams.get('$skiptoken');
      if (opts.drop !== undefined && skip === opts.drop) {
        req.socket.destroy(); // the process "crashes" between pages: the connection dies
        return;
      }
      const day = /datetime'([^']+)'/.exec(f)?.[1];
      const rows = sapDocs.filter(
        (d) => !day || Number(/\((\d+)/.exec(d.CreationDate)![1]) >= Date.parse(`${day}Z`),
      );
      return page(res, srv.url, rows, 1, url);
    }
    if (p.endsWith('/A_MaterialDocumentHeader') && req.method === 'POST') {
      created.docs.push(JSON.parse(body));
      return json(res, 201, { d: JSON.parse(body) });
    }
    json(res, 404, { error: 'no route' });
  });
  return { ...srv, created };
}

const map = {
  productFor: (m: string) => (m.startsWith('TG') ? m : undefined),
  locationFor: (s: string) => `WH-${s}`,
  supplierFor: (s: string) => (s === '17300001' ? 'SUP-1' : undefined),
};

describe('ERP sync: SAP S/4HANA (OData v2 on a loopback server)', () => {
  it('pulls batch masters and goods movements page by page, waits on 429, reports conflicts, and reruns idempotently', async () => {
    const sap = await sapServer();
    const waits: number[] = [];
    const conn = sapConnector({
      baseUrl: `${sap.url}/sap/opu/odata/sap`,
      plant: '1010',
      sleep: async (ms) => void waits.push(ms),
    });
    const lg = await plant();
    const checkpoints = new MemoryCheckpointStore();
    const seen: SyncProgress[] = [];
    const report = await syncFromErp(lg, conn, { checkpoints, ...map, onProgress: (p) => seen.push(p) });
    await sap.close();
    expect(waits).toEqual([3000]); // Retry-After: 3 honoured once
    expect(report.batches).toMatchObject({ pages: 2, records: 3 });
    expect(report.movements).toMatchObject({
      pages: 3,
      records: 5,
      applied: 4,
      alreadyApplied: 0,
      conflicts: 1,
    });
    expect(report.conflicts).toEqual([
      expect.objectContaining({
        stream: 'movements',
        key: '2026/4900000003/2',
        reason: 'insufficientStock',
        code: 'INSUFFICIENT_STOCK',
      }),
    ]);
    expect(seen.map((s) => `${s.stream}:${s.pages}`)).toEqual([
      'batches:1',
      'batches:2',
      'movements:1',
      'movements:2',
      'movements:3',
    ]);
    expect(await lg.store.getLot('B001')).toMatchObject({
      productId: 'TG11',
      supplierId: 'SUP-1',
      supplierLotNumber: 'SUGAR-77',
      expiry: '2027-01-10',
      productionDate: '2026-01-10',
      originCountry: 'BR',
    });
    expect(await lg.store.getStock('B001', 'WH-101A')).toBe(70_000n); // 100 kg in, 30 kg issued (3 decimals)
    expect(await lg.store.getStock('C001', 'WH-101A')).toBe(40_500n);
    expect(await checkpoints.get('sap:batches')).toEqual({ since: '2026-01-03T00:00:00.000Z' });
    expect(await checkpoints.get('sap:movements')).toEqual({ since: '2026-03-02T08:00:00.000Z' });

    // a second run: the day's documents come again (CreationDate ge), nothing is appended twice
    const sap2 = await sapServer();
    const head = (await lg.store.head()).seq;
    const again = await syncFromErp(
      lg,
      sapConnector({ baseUrl: `${sap2.url}/sap/opu/odata/sap`, plant: '1010', sleep: async () => {} }),
      { checkpoints, ...map },
    );
    await sap2.close();
    expect(again.batches.records).toBe(0);
    expect(again.movements).toMatchObject({ records: 2, applied: 0, alreadyApplied: 1, conflicts: 1 });
    expect((await lg.store.head()).seq).toBe(head);
  });

  it('resumes from the checkpoint after a crash between pages, with no duplicates', async () => {
    const down = { drop: '1' as string | undefined };
    const sap = await sapServer(down);
    const store = new MemoryStore();
    const lg = await plant(store);
    const checkpoints = fileCheckpointStore(path.join(dir, 'sap.json'));
    const conn = sapConnector({
      baseUrl: `${sap.url}/sap/opu/odata/sap`,
      plant: '1010',
      attempts: 2,
      sleep: async () => {},
    });
    const err = await syncFromErp(lg, conn, { checkpoints, ...map }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).retryable).toBe(true);
    const cp = await checkpoints.get('sap:movements');
    expect(new URL(cp!.page!).searchParams.get('$skiptoken')).toBe('1');
    const before = (await store.readEvents(1)).filter((e) => e.idempotencyKey.startsWith('erp:')).length;
    expect(before).toBe(2); // the first page's two items; the second page never arrived
    down.drop = undefined;

    // "restart": a new Lotgraph over the same store, a new connector, the same checkpoint file
    const lg2 = await Lotgraph.open({
      store,
      clock: testClock(Date.parse('2026-03-05T00:00:00Z')),
      actor: 'erp',
    });
    const requestsBefore = sap.log.length;
    const report = await syncFromErp(
      lg2,
      sapConnector({ baseUrl: `${sap.url}/sap/opu/odata/sap`, plant: '1010', sleep: async () => {} }),
      { checkpoints, ...map },
    );
    const resumed = sap.log.slice(requestsBefore).filter((l) => l.url.includes('A_MaterialDocumentHeader'));
    expect(resumed.map((l) => new URL(l.url, 'http://x').searchParams.get('$skiptoken'))).toEqual(['1', '2']);
    await sap.close();
    expect(report.movements).toMatchObject({ pages: 2, records: 3, applied: 2, conflicts: 1 });
    const keys = (await store.readEvents(1)).map((e) => e.idempotencyKey).filter((k) => k.startsWith('erp:'));
    expect(keys).toEqual([
      'erp:sap:2026/4900000001/1',
      'erp:sap:2026/4900000001/2',
      'erp:sap:2026/4900000002/1',
      'erp:sap:2026/4900000003/1',
    ]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('pushes lots, movements and holds to SAP once per key', async () => {
    const sap = await sapServer();
    const lg = await plant();
    await lg.receive({
      lotId: 'L-9',
      productId: 'TG11',
      locationId: 'WH-101A',
      quantity: '12.5',
      expiry: '2027-05-01',
      supplierLotNumber: 'S-9',
    });
    await lg.hold({ holdId: 'H-9', lotId: 'L-9', reasonCode: 'QC' });
    await lg.release({ holdId: 'H-9' });
    const conn = sapConnector({
      baseUrl: `${sap.url}/sap/opu/odata/sap`,
      plant: '1010',
      sleep: async () => {},
    });
    const checkpoints = new MemoryCheckpointStore();
    const opts = { checkpoints, storageLocationFor: (l: string) => l.replace(/^WH-/, '') };
    const r = await pushToErp(lg, conn, opts);
    expect(r).toMatchObject({ applied: 3, conflicts: 0 });
    expect(sap.created.batches).toEqual([
      {
        Material: 'TG11',
        BatchIdentifyingPlant: '1010',
        Batch: 'L-9',
        ShelfLifeExpirationDate: odataDate('2027-05-01'),
        BatchBySupplier: 'S-9',
      },
    ]);
    expect(sap.created.docs).toHaveLength(1);
    expect(sap.created.docs[0]).toMatchObject({
      GoodsMovementCode: '05',
      to_MaterialDocumentItem: [
        { Batch: 'L-9', QuantityInEntryUnit: '12.500', StorageLocation: '101A', GoodsMovementType: '501' },
      ],
    });
    expect(sap.created.patches).toEqual([
      { batch: 'L-9', MatlBatchIsInRstrcdUseStock: true },
      { batch: 'L-9', MatlBatchIsInRstrcdUseStock: false },
    ]);
    // the checkpoint is lost: pushing again finds the batch and the document and creates neither again
    const r2 = await pushToErp(lg, conn, { ...opts, checkpoints: new MemoryCheckpointStore() });
    await sap.close();
    expect(r2.records).toBe(r.records);
    expect(sap.created.batches).toHaveLength(1);
    expect(sap.created.docs).toHaveLength(1);
  });

  it('pushes one ledger event per outbox message (erp.push)', async () => {
    const sap = await sapServer();
    const lg = await plant();
    const received = await lg.receive({
      lotId: 'L-7',
      productId: 'TG12',
      locationId: 'WH-101A',
      quantity: '3',
      expiry: '2027-01-01',
    });
    const push = erpPushSender(
      lg,
      sapConnector({ baseUrl: `${sap.url}/sap/opu/odata/sap`, plant: '1010', sleep: async () => {} }),
      {
        storageLocationFor: (l) => l.replace(/^WH-/, ''),
      },
    );
    const msg = { key: `erp.push:${received.seq}`, topic: 'erp.push', payload: { seq: received.seq } };
    await push.deliver(msg);
    await push.deliver(msg); // redelivered by the outbox: found in SAP, not created again
    expect(sap.created.batches).toHaveLength(1);
    expect(sap.created.docs).toHaveLength(1);
    const bad = (await push
      .deliver({ ...msg, payload: { seq: 9999 } })
      .catch((e: unknown) => e)) as DeliveryError;
    const noMaterial = erpPushSender(
      lg,
      sapConnector({ baseUrl: `${sap.url}/sap/opu/odata/sap`, plant: '1010' }),
      { materialFor: () => undefined },
    );
    const e2 = (await noMaterial.deliver(msg).catch((e: unknown) => e)) as DeliveryError;
    await sap.close();
    expect([bad.retryable, bad.message]).toEqual([false, 'sap: event 9999 does not exist']);
    expect(e2.retryable).toBe(false);
    expect(e2.message).toContain('no ERP material for product "TG12"');
  });
});

// ── Exact Online shapes ─────────────────────────────────────────────────
const exactBatches = [
  {
    ID: 'a1',
    BatchNumber: 'EX-1',
    ItemCode: 'TG11',
    ExpiryDate: odataDate('2026-09-30'),
    Created: odataDate('2026-02-01T10:00:00Z'),
    Modified: odataDate('2026-02-01T10:00:00Z'),
  },
  {
    ID: 'a2',
    BatchNumber: 'EX-2',
    ItemCode: 'TG12',
    ExpiryDate: null,
    Created: odataDate('2026-02-02T10:00:00Z'),
    Modified: odataDate('2026-02-02T10:00:00Z'),
  },
];
const exactMoves = [
  {
    ID: 'm1',
    BatchNumber: 'EX-1',
    ItemCode: 'TG11',
    Quantity: 50,
    StockTransactionType: 130,
    WarehouseCode: '101A',
    StorageLocationCode: null,
    Created: odataDate('2026-03-01T08:00:00Z'),
  },
  {
    ID: 'm2',
    BatchNumber: 'EX-2',
    ItemCode: 'TG12',
    Quantity: 7.25,
    StockTransactionType: 130,
    WarehouseCode: '101A',
    StorageLocationCode: null,
    Created: odataDate('2026-03-01T09:00:00Z'),
  },
  {
    ID: 'm3',
    BatchNumber: 'EX-1',
    ItemCode: 'TG11',
    Quantity: -20,
    StockTransactionType: 120,
    WarehouseCode: '101A',
    StorageLocationCode: null,
    Created: odataDate('2026-03-02T09:00:00Z'),
  },
  {
    ID: 'm4',
    BatchNumber: 'EX-9',
    ItemCode: 'XX99',
    Quantity: 1,
    StockTransactionType: 130,
    WarehouseCode: '101A',
    StorageLocationCode: null,
    Created: odataDate('2026-03-02T10:00:00Z'),
  },
];

describe('ERP sync: Exact Online (REST on a loopback server)', () => {
  it('pulls batch numbers and stock batch movements with paging and Retry-After, resumable and idempotent', async () => {
    let throttle = 1;
    let failPage: string | undefined = '2';
    const srv = await startServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.startsWith('/api/v1/123456/inventory/')) return json(res, 404, {});
      if (url.pathname.endsWith('/BatchNumbers')) return page(res, srv.url, exactBatches, 60, url);
      if (throttle-- > 0)
        return json(res, 429, {}, { 'retry-after': new Date(Date.now() + 2_000).toUTCString() });
      if (url.searchParams.get('$skiptoken') === failPage) {
        failPage = undefined;
        return json(res, 503, { error: 'maintenance' });
      }
      return page(res, srv.url, exactMoves, 2, url);
    });
    const lg = await plant();
    const checkpoints = new MemoryCheckpointStore();
    const waits: number[] = [];
    const conn = exactConnector({
      baseUrl: `${srv.url}/api/v1/123456`,
      attempts: 2,
      sleep: async (ms) => void waits.push(ms),
    });
    // the second page answers 503 once; the retry succeeds
    const report = await syncFromErp(lg, conn, { checkpoints, locationFor: (w) => `WH-${w}` });
    expect(waits).toHaveLength(2); // one Retry-After (HTTP date), one backoff after the 503
    expect(waits[0]).toBeGreaterThan(0);
    expect(report.batches).toMatchObject({ pages: 1, records: 2 });
    expect(report.movements).toMatchObject({ pages: 2, records: 4, applied: 3, conflicts: 1 });
    expect(report.conflicts[0]).toMatchObject({ key: 'm4', reason: 'unknownProduct' });
    expect(await lg.store.getLot('EX-1')).toMatchObject({ productId: 'TG11', expiry: '2026-09-30' });
    expect(await lg.store.getStock('EX-1', 'WH-101A')).toBe(30_000n);
    expect(await lg.store.getStock('EX-2', 'WH-101A')).toBe(7_250n);
    const head = (await lg.store.head()).seq;
    // rerun from scratch (checkpoint lost): every movement is recognised by its key
    const again = await syncFromErp(lg, conn, {
      checkpoints: new MemoryCheckpointStore(),
      locationFor: (w) => `WH-${w}`,
    });
    await srv.close();
    expect(again.movements).toMatchObject({ applied: 0, alreadyApplied: 3, conflicts: 1 });
    expect((await lg.store.head()).seq).toBe(head);
  });

  it('gives up on a permanent HTTP error and checks its options', async () => {
    const srv = await startServer((_req, res) => json(res, 401, { error: 'unauthorised' }));
    const lg = await plant();
    const e = await syncFromErp(lg, exactConnector({ baseUrl: `${srv.url}/api/v1/1` }), {
      checkpoints: new MemoryCheckpointStore(),
    }).catch((x: unknown) => x);
    await srv.close();
    expect(e).toBeInstanceOf(DeliveryError);
    expect((e as DeliveryError).retryable).toBe(false);
    expect((e as DeliveryError).details).toMatchObject({ status: 401, integration: 'exact' });
    expect(() => exactConnector({ baseUrl: 'not a url' })).toThrow(ValidationError);
    await expect(
      syncFromErp(lg, exactConnector({ baseUrl: 'http://127.0.0.1:1' }), { checkpoints: {} as never }),
    ).rejects.toThrow(/checkpoints/);
  });
});
