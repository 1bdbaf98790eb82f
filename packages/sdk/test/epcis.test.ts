import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { days, masterData } from '../../../examples/quickstart/src/sample.mjs';

async function sample(dayCount: number) {
  const lg = await Lotgraph.open({ store: new MemoryStore(), actor: 'epcis-test' });
  await lg.batch(masterData({ customers: 12 }));
  for (const cmds of days({ days: dayCount, customers: 12 })) await lg.batch(cmds);
  return lg;
}

describe('GS1 EPCIS 2.0', () => {
  it('exports receipts, productions and shipments with CBV steps, quantities and lot master data', async () => {
    const lg = await sample(6);
    const doc = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    expect(doc).toMatchObject({ type: 'EPCISDocument', schemaVersion: '2.0' });
    const events = doc.epcisBody.eventList;
    const kinds = new Set(events.map((e) => `${e.type}/${String(e.bizStep)}`));
    expect([...kinds].sort()).toEqual([
      'ObjectEvent/receiving',
      'ObjectEvent/shipping',
      'TransformationEvent/commissioning',
    ]);
    const receipt = events.find((e) => e.bizStep === 'receiving')!;
    expect(receipt).toMatchObject({ action: 'ADD', disposition: 'in_progress' });
    const q = (receipt.quantityList as { epcClass: string; quantity: number; uom: string }[])[0]!;
    expect(q.epcClass).toMatch(/^https:\/\/id\.gs1\.org\/01\/\d{14}\/10\//);
    expect(q.uom).toBe('KGM');
    expect((receipt.ilmd as Record<string, string>)['cbvmda:itemExpirationDate']).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
    const t = events.find((e) => e.type === 'TransformationEvent')!;
    expect((t.inputQuantityList as unknown[]).length).toBeGreaterThan(2);
    const ship = events.find((e) => e.bizStep === 'shipping')!;
    expect((ship.destinationList as { destination: string }[])[0]!.destination).toMatch(
      /^urn:lotgraph:party:C\d{3}$/,
    );
  });

  it('export → import → export is identical, and re-importing appends nothing', async () => {
    const a = await sample(8);
    const doc1 = await a.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    const b = await Lotgraph.open({ store: new MemoryStore(), actor: 'importer' });
    await b.batch(masterData({ customers: 12 }));
    const r = await b.imports.epcis(JSON.parse(JSON.stringify(doc1)), { chunk: 50 });
    expect(r.commands).toBe(doc1.epcisBody.eventList.length);
    const doc2 = await b.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    expect(doc2).toEqual(doc1);
    // The imported ledger traces like the original (same lots, same customers).
    const lot = (await a.store.listLots({ productId: 'sesame' }))[0]!.id;
    expect((await b.trace.forwardRefs(lot)).customers.sort()).toEqual(
      (await a.trace.forwardRefs(lot)).customers.sort(),
    );
    const again = await b.imports.epcis(doc1);
    expect(again.events).toBe(0);
  });

  it('round-trips split, merge and repack transformations', async () => {
    const { bakery } = await import('./helpers.js');
    const build = async () => (await bakery(new MemoryStore())).lg;
    const a = await build();
    await a.receive({
      lotId: 'F1',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '50',
      expiry: '2026-12-31',
    });
    await a.receive({
      lotId: 'F2',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '30',
      expiry: '2026-11-30',
    });
    await a.split({
      lotId: 'F1',
      locationId: 'WH',
      outputs: [
        { lotId: 'F1a', quantity: '20' },
        { lotId: 'F1b', quantity: '10', locationId: 'LINE' },
      ],
    });
    await a.merge({
      inputs: [
        { lotId: 'F1a', locationId: 'WH', quantity: '20' },
        { lotId: 'F2', locationId: 'WH', quantity: '30' },
      ],
      output: { lotId: 'M1', locationId: 'WH' },
    });
    await a.repack({
      input: { lotId: 'M1', locationId: 'WH', quantity: '25' },
      output: { lotId: 'BAG1', locationId: 'WH', quantity: '25' },
    });
    const doc1 = await a.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    expect(doc1.epcisBody.eventList.filter((e) => e.bizStep === 'repackaging')).toHaveLength(3);
    const b = await build();
    await b.imports.epcis(JSON.parse(JSON.stringify(doc1)));
    expect(await b.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' })).toEqual(doc1);
    expect((await b.trace.backwardRefs('BAG1')).lots.sort()).toEqual(['BAG1', 'F1', 'F1a', 'F2', 'M1']);
  });

  it('rejects a malformed document with a typed error naming the place', async () => {
    const lg = await sample(2);
    const bad = await lg.imports
      .epcis({
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            { type: 'ObjectEvent', bizStep: 'receiving', eventID: 'nope', eventTime: '2026-01-01T00:00:00Z' },
          ],
        },
      })
      .catch((e) => e);
    expect([bad.code, bad.details.field]).toEqual(['VALIDATION_FAILED', 'epcisBody.eventList.0.eventID']);
    const notDoc = await lg.imports.epcis({ hello: 1 }).catch((e) => e);
    expect(notDoc.details.field).toBe('document');
  });
});
