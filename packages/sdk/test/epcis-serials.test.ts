// EPCIS 2.0 of serials and logistic units (issue 18): commissioning with Digital Link SGTINs, aggregation
// (pack / unpack), state changes, unit moves, SSCCs and serials shipped; schema-valid; export → import → export.
import { readFileSync } from 'node:fs';
import { parseDigitalLink } from '@lotgraph/gs1';
import type { EpcisEvent } from '@lotgraph/sdk';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  a,
  CASE_A,
  CASE_B,
  CASE_C,
  CASE_D,
  dl,
  GTIN,
  GTIN2,
  INBOUND,
  LOOSE,
  master,
  P2,
  PALLET,
  RECEIVED,
  sn,
  wholesaler,
} from './serials-fixture.js';

const byStep = (events: EpcisEvent[], type: string, bizStep: string) =>
  events.filter((e) => e.type === type && e.bizStep === bizStep);

describe('GS1 EPCIS 2.0 of serials and logistic units', () => {
  it('maps commissioning, aggregation, moves, state changes and serialised shipments', async () => {
    const lg = await wholesaler();
    const doc = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    const events = doc.epcisBody.eventList;

    const [commission] = byStep(events, 'ObjectEvent', 'commissioning');
    expect(commission).toMatchObject({
      action: 'ADD',
      disposition: 'active',
      ilmd: { 'cbvmda:lotNumber': 'A1', 'cbvmda:itemExpirationDate': '2028-01-31' },
    });
    const epcs = commission!.epcList as string[];
    expect(epcs).toHaveLength(20);
    expect(epcs[0]).toBe(sn(GTIN, 'A01'));
    for (const u of epcs) expect(parseDigitalLink(u).valid).toBe(true);

    const packs = byStep(events, 'AggregationEvent', 'packing');
    const pallet = packs.find((e) => e.parentID === dl(PALLET))!;
    expect(pallet).toMatchObject({
      action: 'ADD',
      childEPCs: [dl(CASE_A), dl(CASE_B)],
      childQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN}/10/A1`, quantity: 3 }],
      'lg:unitKind': 'pallet',
    });
    expect(packs.find((e) => e.parentID === dl(CASE_B))!.childEPCs).toEqual([
      sn(GTIN, 'A06'),
      sn(GTIN, 'A07'),
      sn(GTIN2, 'I01'),
      sn(GTIN2, 'I02'),
    ]);
    const unpacks = byStep(events, 'AggregationEvent', 'unpacking');
    expect(unpacks.map((e) => [e.action, e.parentID, e.childEPCs, e['lg:all']])).toEqual([
      ['DELETE', dl(CASE_D), [sn(GTIN, 'A14')], undefined],
      ['DELETE', dl(P2), [dl(CASE_D)], true],
    ]);

    const storing = byStep(events, 'ObjectEvent', 'storing')[0]!;
    expect(storing).toMatchObject({
      action: 'OBSERVE',
      epcList: [dl(PALLET)],
      sourceList: [{ type: 'location', source: 'urn:lotgraph:location:WH' }],
      destinationList: [{ type: 'location', destination: 'urn:lotgraph:location:DOCK' }],
    });
    expect(byStep(events, 'ObjectEvent', 'transporting')[0]!.epcList).toEqual([dl(P2)]);

    const steps = events
      .filter((e) =>
        ['destroying', 'dispensing', 'receiving', 'inspecting', 'decommissioning', 'sampling'].includes(
          String(e.bizStep),
        ),
      )
      .filter((e) => e.disposition !== 'in_progress')
      .map((e) => [e.action, e.bizStep, e.disposition, (e.epcList as string[]).join(), e['lg:reason']]);
    expect(steps).toEqual([
      ['DELETE', 'destroying', 'destroyed', sn(GTIN, 'A10'), 'crushed on the dock'],
      ['OBSERVE', 'dispensing', 'dispensed', sn(GTIN, 'A01'), undefined],
      ['OBSERVE', 'receiving', 'returned', sn(GTIN, 'A13'), undefined],
      ['OBSERVE', 'inspecting', 'active', sn(GTIN, 'A13'), undefined],
      ['DELETE', 'decommissioning', 'inactive', sn(GTIN, 'A02'), 'label misprint'],
      ['OBSERVE', 'sampling', 'non_sellable_other', sn(GTIN, 'A15'), undefined],
    ]);

    const [s1, s2, s3] = byStep(events, 'ObjectEvent', 'shipping');
    // The pallet and its cases, then every serial; the quantity list keeps the loose quantities.
    expect(s1!.epcList).toEqual([
      dl(PALLET),
      dl(CASE_A),
      dl(CASE_B),
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => sn(GTIN, a(n).serial)),
      sn(GTIN2, 'I01'),
      sn(GTIN2, 'I02'),
      sn(GTIN, 'A08'),
    ]);
    expect(s1!.quantityList).toEqual([
      { epcClass: `https://id.gs1.org/01/${GTIN2}/10/I1`, quantity: 5 },
      { epcClass: `https://id.gs1.org/01/${GTIN}/10/A1`, quantity: 3 },
    ]);
    expect(s1!['lg:lineLocations']).toEqual(['urn:lotgraph:location:WH', 'urn:lotgraph:location:DOCK']);
    expect(s1!['lg:scan']).toEqual({ orderLines: 1, units: [dl(PALLET)], serials: [sn(GTIN, 'A08')] });
    expect(s2!.epcList).toEqual([dl(CASE_C), sn(GTIN, 'A11'), sn(GTIN, 'A12'), sn(GTIN, 'A13')]);
    expect(s2!.quantityList).toEqual([]);
    expect(s2!['lg:scan']).toEqual({ orderLines: 0, units: [dl(CASE_C)], serials: [sn(GTIN, 'A13')] });
    expect(s3!['lg:scan']).toEqual({ orderLines: 0, units: [dl(CASE_D)], serials: [sn(GTIN, 'A14')] });

    // A unit packed empty is commissioned; serials commissioned into it come with their aggregation.
    const inbound = events.filter((e) => JSON.stringify(e).includes(INBOUND));
    expect(inbound.map((e) => [e.type, e.action, e.bizStep])).toEqual([
      ['ObjectEvent', 'ADD', 'commissioning'],
      ['ObjectEvent', 'ADD', 'commissioning'],
      ['AggregationEvent', 'ADD', 'packing'],
    ]);
    expect(inbound[0]).toMatchObject({ epcList: [dl(INBOUND)], 'lg:unitKind': 'case' });
    expect(inbound[1]!['lg:packedInto']).toBe(dl(INBOUND));
    expect(inbound[2]).toMatchObject({
      parentID: dl(INBOUND),
      childEPCs: [sn(GTIN2, 'I05'), sn(GTIN2, 'I06')],
      'lg:partOf': inbound[1]!.eventID,
    });
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
    const received = events.filter((e) => JSON.stringify(e).includes(RECEIVED));
    expect(received.map((e) => [e.type, e.bizStep])).toEqual([
      ['ObjectEvent', 'commissioning'],
      ['ObjectEvent', 'commissioning'],
      ['AggregationEvent', 'packing'],
    ]);
    expect(events.find((e) => e.parentID === dl(LOOSE))).toMatchObject({
      action: 'ADD',
      childQuantityList: [{ epcClass: `https://id.gs1.org/01/${GTIN2}/10/I3`, quantity: 24 }],
      bizLocation: { id: 'urn:lotgraph:location:DOCK' },
      'lg:unitKind': 'pallet',
    });
  });

  it('validates against the EPCIS 2.0 JSON schema', async () => {
    const schema = JSON.parse(
      readFileSync(new URL('./fixtures/epcis/EPCIS-JSON-Schema.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    const validate = ajv.compile(schema);
    const doc = JSON.parse(
      JSON.stringify(await (await wholesaler()).exports.epcis({ creationDate: '2026-11-23T00:00:00Z' })),
    );
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // The schema bites on aggregation: an ADD with neither child EPCs nor quantities is refused.
    const agg = doc.epcisBody.eventList.findIndex((e: EpcisEvent) => e.type === 'AggregationEvent');
    delete doc.epcisBody.eventList[agg].childEPCs;
    delete doc.epcisBody.eventList[agg].childQuantityList;
    expect(validate(doc)).toBe(false);
  });

  it('export → import → export is identical; the imported ledger has the same serials and units', async () => {
    const a1 = await wholesaler();
    const doc1 = await a1.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    const b = await master();
    const r = await b.imports.epcis(JSON.parse(JSON.stringify(doc1)), { chunk: 7 });
    // One command per event, less the aggregations that are part of a commissioning.
    expect(r.commands).toBe(doc1.epcisBody.eventList.length - 2);
    expect(await b.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' })).toEqual(doc1);
    const strip = <T extends object>(rows: T[]) => rows.map(({ seq: _s, ...x }: T & { seq?: number }) => x);
    expect(strip(await b.serials.list({ limit: 1000 }))).toEqual(
      strip(await a1.serials.list({ limit: 1000 })),
    );
    for (const id of [PALLET, CASE_A, CASE_B, P2, CASE_C, CASE_D, INBOUND, RECEIVED, LOOSE]) {
      const [ua, ub] = [await a1.units.get(id), await b.units.get(id)];
      expect(ub.totals).toEqual(ua.totals);
      expect(ub.unit.state).toBe(ua.unit.state);
    }
    expect((await b.serials.get(GTIN, 'A03')).shipmentId).toBe('S1');
    expect(await b.store.getStock('A1', 'WH')).toBe(await a1.store.getStock('A1', 'WH'));
    const again = await b.imports.epcis(doc1);
    expect(again.events).toBe(0);
  });

  it('refuses a serial or unit identifier that is no GS1 Digital Link of its kind, naming the field', async () => {
    const lg = await wholesaler();
    const doc = await lg.exports.epcis({ creationDate: '2026-11-23T00:00:00Z' });
    const b = await master();
    const bad = structuredClone(doc);
    const k = bad.epcisBody.eventList.findIndex((e) => e.type === 'AggregationEvent');
    bad.epcisBody.eventList[k]!.parentID = `https://id.gs1.org/01/${GTIN}/21/A01`;
    const err = await b.imports.epcis(bad).catch((e) => e);
    expect([err.code, err.details.field]).toEqual(['VALIDATION_FAILED', `epcisBody.eventList.${k}.parentID`]);
  });
});
