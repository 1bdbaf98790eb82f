import { readFileSync, writeFileSync } from 'node:fs';
import { gs1CheckDigit } from '@lotgraph/gs1';
import { isLotgraphError, Lotgraph, MemoryStore, ValidationError } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DespatchAdvice,
  type DespatchAdviceInput,
  despatchAdviceFromShipment,
  EdifactError,
  readDespatchAdvices,
  receiveInputsFromAdvice,
  writeDesadv,
} from '../src/index.js';
import { dairy, testClock } from './scenario.js';

const EXAMPLE = new URL('../../../examples/edi/desadv-SH-1.edi', import.meta.url);

async function shipmentAdvice() {
  const lg = await dairy();
  return despatchAdviceFromShipment(lg, 'SH-1', {
    senderGln: '9506000000046',
    controlRef: 'IC000001',
    messageRef: 'M1',
    shipFromGln: '9506000000053',
    deliveryDate: '2026-03-02',
  });
}

describe('DESADV writer', () => {
  it('writes a shipment as an EANCOM D96A DESADV with batch, expiry and counts', async () => {
    const advice = await shipmentAdvice();
    const edi = writeDesadv(advice);
    expect(edi.split('\n').filter(Boolean)).toEqual([
      "UNA:+.? '",
      "UNB+UNOC:3+9506000000046:14+9506000000022:14+260301:0800+IC000001'",
      "UNH+M1+DESADV:D:96A:UN:EAN005'",
      "BGM+351+SH-1+9'",
      "DTM+137:202603010800:203'",
      "DTM+11:20260301:102'",
      "DTM+17:20260302:102'",
      "RFF+ON:PO-77'",
      "NAD+BY+9506000000022::9'",
      "NAD+SU+9506000000046::9'",
      "NAD+DP+9506000000022::9'",
      "NAD+SF+9506000000053::9'",
      "CPS+1'",
      "LIN+1++09506000134369:SRV'",
      "PIA+1+Y1:NB'",
      "QTY+12:30:PCE'",
      "PCI+36E'",
      "DTM+36:20260320:102'",
      "GIN+BX+Y1'",
      "LIN+2++09506000134369:SRV'",
      "PIA+1+Y2:NB'",
      "QTY+12:12:PCE'",
      "PCI+36E'",
      "DTM+36:20260325:102'",
      "GIN+BX+Y2'",
      "UNT+24+M1'",
      "UNZ+1+IC000001'",
    ]);
  });

  it('the example file in examples/edi is what the writer makes today', async () => {
    const edi = writeDesadv(await shipmentAdvice());
    // LOTGRAPH_UPDATE_EXAMPLES=1 regenerates the file (see examples/edi/README.md)
    if (process.env.LOTGRAPH_UPDATE_EXAMPLES === '1') writeFileSync(EXAMPLE, edi);
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(edi);
  });

  it('escapes separators with the release character and reads them back', async () => {
    const advice = await shipmentAdvice();
    const tricky = {
      ...advice,
      documentNumber: "SH?1+2:3'4",
      lines: advice.lines.map((l) => ({ ...l, batch: `B'${l.batch}?+:` })),
    };
    const edi = writeDesadv(tricky);
    expect(edi).toContain("BGM+351+SH??1?+2?:3?'4+9'");
    expect(edi).toContain("PIA+1+B?'Y1???+?::NB'");
    expect(readDespatchAdvices(edi)[0]!.advice).toEqual(DespatchAdvice.parse(tricky));
  });

  it('refuses bad input naming the field', async () => {
    const advice = await shipmentAdvice();
    const bad = { ...advice, lines: [{ ...advice.lines[0]!, gtin: '09506000134368' }] };
    const e = (() => {
      try {
        writeDesadv(bad);
      } catch (x) {
        return x;
      }
    })() as ValidationError;
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.issues[0]!.path).toEqual(['lines', 0, 'gtin']);
    expect(() => writeDesadv({ ...advice, documentNumber: 'ok\u0001' })).toThrow(/documentNumber/);
    expect(() => writeDesadv(advice, { batchIn: 'X' as never })).toThrow(ValidationError);
  });
});

// ── property: write → read gives the same data ────────────────────────────
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const gs1Id = (n: number) => digits(n - 1).map((d) => d + gs1CheckDigit(d));
const day = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const minute = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => `${d.toISOString().slice(0, 16)}Z`);
// Latin-1 text with a bias towards the separators and the release character.
const text = (max: number) =>
  fc
    .array(
      fc.oneof(
        fc.constantFrom(':', '+', '?', "'", '.', ' ', 'é', 'ß'),
        fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      ),
      {
        minLength: 1,
        maxLength: max,
      },
    )
    .map((a) => a.join(''));
const ref = fc.stringMatching(/^[A-Za-z0-9]{1,14}$/);
const quantity = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.option(digits(3)))
  .map(([i, f]) => (f === null ? `${i}` : `${i}.${f}`));

const adviceArb: fc.Arbitrary<DespatchAdviceInput> = fc
  .record({
    kind: fc.constantFrom('DESADV' as const, 'RECADV' as const),
    sender: gs1Id(13),
    recipient: gs1Id(13),
    controlRef: ref,
    preparedAt: minute,
    test: fc.boolean(),
    messageRef: ref,
    documentNumber: text(35),
    function: fc.constantFrom('9' as const, '5' as const, '1' as const),
    date: day,
    deliveryDate: fc.option(day, { nil: undefined }),
    orderRef: fc.option(text(35), { nil: undefined }),
    despatchRef: fc.option(text(35), { nil: undefined }),
    buyer: gs1Id(13),
    supplier: gs1Id(13),
    deliveryParty: gs1Id(13),
    shipFrom: fc.option(gs1Id(13), { nil: undefined }),
    packages: fc.option(
      fc.record({
        count: fc.integer({ min: 1, max: 9999 }),
        type: fc.constantFrom('201' as const, 'PK' as const, 'CT' as const),
      }),
      { nil: undefined },
    ),
    lines: fc.uniqueArray(
      fc.record({
        lineNo: fc.integer({ min: 1, max: 999_999 }),
        gtin: gs1Id(14),
        batch: text(20),
        expiry: fc.option(day, { nil: undefined }),
        quantity,
        unitCode: fc.option(fc.constantFrom('KGM', 'PCE', 'LTR'), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 6, selector: (l) => l.lineNo },
    ),
  })
  .map((a) => JSON.parse(JSON.stringify(a)) as DespatchAdviceInput); // drop undefined keys

describe('DESADV / RECADV round trip (property)', () => {
  it('write → read returns the same advice, whichever segment carries the batch', () => {
    fc.assert(
      fc.property(
        adviceArb,
        fc.constantFrom('PIA' as const, 'GIN' as const, 'both' as const),
        fc.boolean(),
        (advice, batchIn, lineBreaks) => {
          const edi = writeDesadv(advice, { batchIn, lineBreaks });
          const read = readDespatchAdvices(edi);
          expect(read).toHaveLength(1);
          expect(read[0]!.advice).toEqual(DespatchAdvice.parse(advice));
        },
      ),
    );
  });

  it('the reader throws only typed errors on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          adviceArb
            .map((a) => writeDesadv(a))
            .chain((s) => fc.nat(s.length).map((n) => s.slice(0, n) + s.slice(n + 1))),
        ),
        (s) => {
          try {
            readDespatchAdvices(s);
          } catch (e) {
            expect(isLotgraphError(e)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('DESADV / RECADV reader', () => {
  const edi = async () => writeDesadv(await shipmentAdvice());

  it('checks UNT and UNZ counts and references, naming the segment and position', async () => {
    const text = await edi();
    const e1 = (() => {
      try {
        readDespatchAdvices(text.replace("UNT+24+M1'", "UNT+23+M1'"));
      } catch (x) {
        return x;
      }
    })() as EdifactError;
    expect(e1).toBeInstanceOf(EdifactError);
    expect([e1.segment, e1.segmentIndex, e1.element, e1.component]).toEqual(['UNT', 25, 1, 1]);
    expect(e1.code).toBe('VALIDATION_FAILED');
    expect(e1.message).toContain('segment 25 (UNT), element 1, component 1');
    expect(() => readDespatchAdvices(text.replace("UNZ+1+IC000001'", "UNZ+1+IC000002'"))).toThrow(
      /UNZ.*control reference/,
    );
    expect(() => readDespatchAdvices(text.replace('UNZ+1+', 'UNZ+2+'))).toThrow(/message count/);
  });

  it('checks the code lists it uses', async () => {
    const text = await edi();
    const cases: [string, string, string][] = [
      ['BGM+351+', 'BGM+999+', 'segment 3 (BGM), element 1, component 1'],
      ["NAD+BY+9506000000022::9'", "NAD+XX+9506000000022::9'", '(NAD), element 1'],
      ["NAD+BY+9506000000022::9'", "NAD+BY+9506000000022::92'", '(NAD), element 2, component 3'],
      ["QTY+12:30:PCE'", "QTY+21:30:PCE'", '(QTY), element 1, component 1'],
      ["LIN+1++09506000134369:SRV'", "LIN+1++09506000134369:IN'", '(LIN), element 3, component 2'],
      ["DTM+36:20260320:102'", "DTM+36:20260230:102'", 'not a calendar date'],
      ["GIN+BX+Y1'", "GIN+BX+Y9'", 'differs from the PIA batch'],
      ["CPS+1'", "XYZ+1'", 'segment XYZ is not part of DESADV'],
      ['UNH+M1+DESADV:D:96A', 'UNH+M1+DESADV:D:01B', 'element 2, component 3'],
    ];
    for (const [from, to, msg] of cases) {
      expect(() => readDespatchAdvices(text.replace(from, to)), to).toThrow(msg);
    }
  });

  it("books a supplier's DESADV as receipts with the supplier's batch numbers, once", async () => {
    // the supplier's side: the dairy ships SH-1 to shop1; shop1 reads it and receives the goods
    const text = await edi();
    const [read] = readDespatchAdvices(text);
    const shop = await Lotgraph.open({ store: new MemoryStore(), clock: testClock(), actor: 'shop' });
    await shop.defineProduct({
      id: 'yoghurt',
      name: 'Yoghurt',
      unit: 'pc',
      decimals: 0,
      gtin: '09506000134369',
    });
    await shop.defineParty({ id: 'dairy', name: 'Dairy Ltd', roles: ['supplier'], gln: '9506000000046' });
    await shop.defineLocation({ id: 'STORE', site: 'shop' });
    const inputs = receiveInputsFromAdvice(read!.advice, {
      supplierId: 'dairy',
      locationId: 'STORE',
      products: { '09506000134369': 'yoghurt' },
    });
    expect(
      inputs.map((i) => [i.lotId, i.supplierLotNumber, i.expiry, i.quantity, i.unit, i.idempotencyKey]),
    ).toEqual([
      ['dairy-Y1', 'Y1', '2026-03-20', '30', 'pc', 'edi:9506000000046:SH-1:1'],
      ['dairy-Y2', 'Y2', '2026-03-25', '12', 'pc', 'edi:9506000000046:SH-1:2'],
    ]);
    for (const i of inputs) await shop.receive(i);
    const head = await shop.store.head();
    for (const i of inputs) await shop.receive(i); // the same file booked again
    expect((await shop.store.head()).seq).toBe(head.seq);
    const lot = await shop.store.getLot('dairy-Y1');
    expect(lot).toMatchObject({ supplierLotNumber: 'Y1', expiry: '2026-03-20', supplierId: 'dairy' });
    expect(await shop.store.getStock('dairy-Y2', 'STORE')).toBe(12n);
    expect(() =>
      receiveInputsFromAdvice(read!.advice, { supplierId: 'dairy', locationId: 'STORE', products: {} }),
    ).toThrow(/lines\.0\.gtin/);
  });
});
