// The console's read models over HTTP, against the demo data: search by lot / supplier lot / GTIN / GS1 scan,
// the lot record, movements, genealogy snapshot + sidecar, recalls, quality commands and the downloads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { type Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { loadDemo } from '../src/demo-data.mjs';
// @ts-expect-error — plain ESM module without types
import { start } from '../src/server.mjs';

type Running = { url: string; close: () => Promise<void>; lg: Lotgraph };
let svc: Running;
// biome-ignore lint/suspicious/noExplicitAny: ids returned by the plain-JS demo loader
let demo: any;
const staticDir = mkdtempSync(path.join(tmpdir(), 'wms-static-'));

beforeAll(async () => {
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  svc = await start({
    store: new MemoryStore(),
    port: 0,
    staticDir,
    setup: async (lg: Lotgraph) => {
      demo = await loadDemo(lg, { days: 20, customers: 12 });
    },
  });
});
afterAll(async () => {
  await svc?.close();
  rmSync(staticDir, { recursive: true, force: true });
});

async function get(p: string) {
  const res = await fetch(svc.url + p);
  const type = res.headers.get('content-type') ?? '';
  return {
    status: res.status,
    type,
    headers: res.headers,
    // biome-ignore lint/suspicious/noExplicitAny: JSON bodies
    body: (type.includes('json') ? await res.json() : new Uint8Array(await res.arrayBuffer())) as any,
  };
}
async function post(p: string, body: unknown) {
  const res = await fetch(svc.url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('console read models of the WMS service', () => {
  it('finds lots by GS1 scan, lot id, supplier lot and GTIN; rejects a broken scan naming q', async () => {
    const byScan = await get(`/search?q=${encodeURIComponent(demo.scan)}`);
    expect(byScan.status).toBe(200);
    expect(byScan.body.scan.valid).toBe(true);
    expect(byScan.body.lots.map((l: { id: string }) => l.id)).toEqual([demo.scanLot]);
    expect(byScan.body.lots[0].match).toBe('supplierLot');

    const byId = await get(`/search?q=${demo.heldLot}`);
    expect(byId.body.lots[0]).toMatchObject({ id: demo.heldLot, match: 'lot', productId: 'loaf' });
    const lot = (await svc.lg.lot(demo.scanLot))!;
    const bySupplierLot = await get(`/search?q=${lot.supplierLotNumber}`);
    expect(bySupplierLot.body.lots.map((l: { id: string }) => l.id)).toContain(demo.scanLot);
    const product = (await svc.lg.store.getProduct('loaf'))!;
    const byGtin = await get(`/search?q=${product.gtin}`);
    expect(byGtin.body.lots.length).toBeGreaterThan(0);
    expect(byGtin.body.lots.every((l: { productId: string }) => l.productId === 'loaf')).toBe(true);

    const broken = await get(`/search?q=${encodeURIComponent('(01)09506000134353(10)X')}`);
    expect(broken.status).toBe(400);
    expect(broken.body.error).toMatchObject({ code: 'GS1_INVALID', details: { field: 'q' } });
    const missing = await get('/search');
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('q');
  });

  it('answers the lot record, movements that add up to the stock, and 404 for an unknown lot', async () => {
    const rec = await get(`/lots/${demo.heldLot}/record`);
    expect(rec.status).toBe(200);
    expect(rec.body.product.id).toBe('loaf');
    expect(rec.body.holds.some((h: { status: string }) => h.status === 'active')).toBe(true);
    expect(rec.body.verdict.verdict).toBe('incomplete');
    const mv = await get(`/lots/${demo.heldLot}/movements`);
    const total = mv.body
      .filter((r: { quantity?: string; kind: string }) => r.quantity !== undefined && r.kind !== 'moved')
      .reduce((s: number, r: { quantity: string }) => s + Number(r.quantity), 0);
    const onHand = rec.body.stock.reduce((s: number, l: { quantity: string }) => s + Number(l.quantity), 0);
    expect(total).toBe(onHand);
    expect(mv.body.some((r: { kind: string }) => r.kind === 'held')).toBe(true);

    const docs = (await get(`/lots/${demo.scanLot}/record`)).body.documents;
    expect(docs).toHaveLength(1);
    const doc = await get(`/documents/${docs[0].id}`);
    expect(new TextDecoder().decode(doc.body)).toContain('certificate of analysis');
    const nope = await get('/lots/NOPE/record');
    expect(nope.status).toBe(404);
    expect(nope.body.error.code).toBe('LOT_NOT_FOUND');
  });

  it('exports a genealogy snapshot and a sidecar at the same seq that load into core-wasm', async () => {
    const snap = await get('/genealogy/snapshot.bin');
    const nodes = await get('/genealogy/nodes.json');
    expect(snap.headers.get('x-lotgraph-seq')).toBe(String(nodes.body.seq));
    const g = await GenealogyGraph.fromBytes(snap.body);
    try {
      expect(g.nodeCount).toBe(nodes.body.refs.length);
      const i = nodes.body.refs.indexOf(demo.heldLot);
      expect(nodes.body.held).toContain(i);
      expect(nodes.body.groups[nodes.body.group[i]].id).toBe('loaf');
      const s = nodes.body.refs.indexOf(demo.scanLot);
      expect(nodes.body.received).toContain(s);
      const fwd = await svc.lg.trace.forwardRefs(demo.scanLot);
      const reached = new Set(Array.from(g.forward([s]), (n) => nodes.body.refs[n]));
      for (const l of fwd.lots) expect(reached.has(l)).toBe(true);
    } finally {
      g.dispose();
    }
  });

  it('records a result, refuses a release without approver, releases with one, and renders the CoA', async () => {
    const bad = await post('/quality/decisions', { lotId: demo.heldLot, decision: 'release' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const r = await post('/quality/results', {
      resultId: 'QR-T1',
      lotId: demo.heldLot,
      testCode: 'LISTERIA',
      value: 'absent in 25 g',
    });
    expect(r.status).toBe(201);
    expect((await get(`/lots/${demo.heldLot}/record`)).body.verdict.verdict).toBe('conforming');
    const ok = await post('/quality/decisions', {
      lotId: demo.heldLot,
      decision: 'release',
      approver: 'qa.lead',
    });
    expect(ok.status).toBe(201);
    const rec = (await get(`/lots/${demo.heldLot}/record`)).body;
    expect(rec.holds.every((h: { status: string }) => h.status === 'released')).toBe(true);
    expect(rec.verdict.decision.approver).toBe('qa.lead');
    const coa = await get(`/lots/${demo.heldLot}/coa.pdf`);
    expect(coa.type).toBe('application/pdf');
    expect(new TextDecoder().decode(coa.body.slice(0, 5))).toBe('%PDF-');
  });

  it('lists recalls with progress, renders the notification CSV, and serves the static console', async () => {
    const list = await get('/recalls');
    expect(list.body[0]).toMatchObject({ recallId: demo.drillId, drill: true, notified: 3, acknowledged: 1 });
    const csv = await get(`/recalls/${demo.drillId}/notifications.csv`);
    expect(csv.type).toContain('text/csv');
    expect(new TextDecoder().decode(csv.body).split('\n').length).toBeGreaterThan(1);
    const page = await get('/');
    expect(page.type).toContain('text/html');
    expect((await get('/../../etc/passwd')).status).toBe(404);
  });
});
