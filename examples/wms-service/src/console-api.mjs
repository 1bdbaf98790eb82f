// The read models and downloads the recall console needs, on top of the sdk's public API:
// search (lot id, supplier lot, GTIN or a pasted GS1 scan parsed with @lotgraph/gs1), a lot's record
// (product, stock by location, holds, QC verdict, documents, mass balance), its movement history, the
// genealogy snapshot + a sidecar for client-side pictures, recall lists and CSV, quality commands, the CoA.
import { parseScan } from '@lotgraph/gs1';
import { Id, iterateEvents, LIMITS, Text } from '@lotgraph/sdk';

/** A typed 400 naming the field, in the service's error shape. */
export function badRequest(HttpError, field, message) {
  return new HttpError(400, 'VALIDATION_FAILED', `${field}: ${message}`, { field });
}

const SEARCH = Text(LIMITS.name);
const MAX_HITS = 50;

function checkQuery(HttpError, q) {
  if (q === null) throw badRequest(HttpError, 'q', 'required');
  const r = SEARCH.safeParse(q.trim());
  if (!r.success) throw badRequest(HttpError, 'q', r.error.issues[0]?.message ?? 'invalid');
  return r.data;
}

function checkId(HttpError, field, v) {
  const r = Id.safeParse(v);
  if (!r.success) throw badRequest(HttpError, field, r.error.issues[0]?.message ?? 'invalid');
  return r.data;
}

/** Does `q` look like a GS1 element string or scanner output rather than a lot number? */
const looksLikeGs1 = (q) => /^\(\d{2,4}\)/.test(q) || /^\][A-Za-z]\d/.test(q) || q.includes('\u001d');

/** The rows of one event that concern `lotId` (a ledger event can touch several lots). */
function movementRows(e, lotId) {
  const p = e.payload;
  const row = (kind, extra) => ({
    seq: e.seq,
    type: e.type,
    kind,
    eventTime: e.eventTime,
    actor: e.actor,
    ...extra,
  });
  const out = [];
  switch (e.type) {
    case 'received':
      if (p.lot.id === lotId)
        out.push(
          row('receipt', { quantity: p.quantity, locationId: p.locationId, ref: p.receiptId, scan: p.scan }),
        );
      break;
    case 'produced':
    case 'transformed':
      for (const i of p.inputs)
        if (i.lotId === lotId)
          out.push(
            row('consumed', {
              quantity: `-${i.quantity}`,
              locationId: i.locationId,
              ref: p.orderId,
              into: p.outputs.map((o) => o.lot.id),
            }),
          );
      for (const o of p.outputs)
        if (o.lot.id === lotId)
          out.push(
            row('produced', {
              quantity: o.quantity,
              locationId: o.locationId,
              ref: p.orderId,
              from: p.inputs.map((i) => i.lotId),
            }),
          );
      break;
    case 'moved':
      if (p.lotId === lotId)
        out.push(
          row('moved', { quantity: p.quantity, locationId: p.toLocationId, from: [p.fromLocationId] }),
        );
      break;
    case 'adjusted':
      if (p.lotId === lotId)
        out.push(
          row('adjusted', { quantity: p.delta, locationId: p.locationId, ref: p.reasonCode, note: p.note }),
        );
      break;
    case 'shipped':
      for (const l of p.lines)
        if (l.lotId === lotId)
          out.push(
            row('shipped', {
              quantity: `-${l.quantity}`,
              locationId: l.locationId,
              ref: `${p.shipmentId}/${l.lineNo}`,
              customerId: p.customerId,
            }),
          );
      break;
    case 'returned':
      if (p.lotId === lotId)
        out.push(
          row('returned', {
            quantity: p.quantity,
            locationId: p.locationId,
            ref: p.returnId,
            customerId: p.customerId,
          }),
        );
      break;
    default:
      if (p && typeof p === 'object' && p.lotId === lotId)
        out.push(row(e.type, { ref: p.holdId ?? p.resultId ?? p.decision, note: p.note ?? p.reasonCode }));
  }
  return out;
}

/**
 * Routes in app.mjs's table format.
 * @param {{ lg: import('@lotgraph/sdk').Lotgraph, HttpError: any }} deps
 */
export function consoleRoutes({ lg, HttpError }) {
  const requireLot = async (lotId) => {
    checkId(HttpError, 'lotId', lotId);
    const lot = await lg.lot(lotId);
    if (!lot)
      throw new HttpError(404, 'LOT_NOT_FOUND', `lotId: lot "${lotId}" does not exist`, { field: 'lotId' });
    return lot;
  };
  const summary = async (lot, products) => {
    const p = products.get(lot.productId);
    return {
      id: lot.id,
      productId: lot.productId,
      productName: p?.name ?? lot.productId,
      gtin: p?.gtin,
      supplierId: lot.supplierId,
      supplierLotNumber: lot.supplierLotNumber,
      expiry: lot.expiry,
      origin: lot.origin,
      createdAt: lot.createdAt,
    };
  };

  return [
    [
      'GET',
      '/search',
      async ({ query }) => {
        const q = checkQuery(HttpError, query.get('q'));
        const products = new Map((await lg.store.listProducts()).map((p) => [p.id, p]));
        const found = new Map();
        const add = (lots, match) => {
          for (const l of lots) if (!found.has(l.id)) found.set(l.id, { lot: l, match });
        };
        let scan;
        if (looksLikeGs1(q) || (/^\d{8,14}$/.test(q) && !(await lg.lot(q)))) {
          const r = parseScan(q);
          scan = {
            valid: r.valid,
            gtin: r.gtin,
            batch: r.batch,
            expiry: r.expiry,
            elements: r.elements.map((el) => ({
              ai: el.ai,
              title: el.title,
              value: el.value,
              // dates and measures as the parser typed them ("2027-01-06", "25.000 kg")
              display:
                el.typed?.kind === 'date'
                  ? el.typed.date
                  : el.typed?.kind === 'measure'
                    ? `${el.typed.value} ${el.typed.unit}`
                    : undefined,
            })),
            diagnostics: r.diagnostics.map((d) => ({
              code: d.code,
              severity: d.severity,
              message: d.message,
            })),
          };
          if (!r.valid)
            throw new HttpError(
              400,
              'GS1_INVALID',
              `q: not a valid GS1 scan (${scan.diagnostics[0]?.message ?? 'invalid'})`,
              {
                field: 'q',
                scan,
              },
            );
          const product = r.gtin ? await lg.store.findProductByGtin(r.gtin) : undefined;
          if (r.gtin && !product) scan.unknownGtin = true;
          if (r.batch) {
            const own = await lg.lot(r.batch);
            if (own && (!product || own.productId === product.id)) add([own], 'lot');
            const bySupplierLot = await lg.store.listLots({ supplierLotNumber: r.batch });
            add(
              bySupplierLot.filter((l) => !product || l.productId === product.id),
              'supplierLot',
            );
          } else if (product) {
            add((await lg.store.listLots({ productId: product.id })).slice(-MAX_HITS).reverse(), 'gtin');
          }
        } else {
          const own = await lg.lot(q).catch(() => undefined);
          if (own) add([own], 'lot');
          add(await lg.store.listLots({ supplierLotNumber: q }), 'supplierLot');
          if (found.size === 0 && q.length >= 2) {
            const needle = q.toLowerCase();
            add(
              (await lg.store.listLots())
                .filter(
                  (l) =>
                    l.id.toLowerCase().includes(needle) ||
                    l.supplierLotNumber?.toLowerCase().includes(needle),
                )
                .slice(0, MAX_HITS),
              'partial',
            );
          }
        }
        const lots = [];
        for (const { lot, match } of [...found.values()].slice(0, MAX_HITS))
          lots.push({ ...(await summary(lot, products)), match });
        return { body: { q, scan, lots } };
      },
    ],
    [
      'GET',
      '/lots/:lotId/record',
      async ({ params }) => {
        const lot = await requireLot(params.lotId);
        const [product, supplier, stock, holds, verdict, documents, balance, locations] = await Promise.all([
          lg.store.getProduct(lot.productId),
          lot.supplierId ? lg.store.getParty(lot.supplierId) : undefined,
          lg.stock.onHand({ lotId: lot.id }),
          lg.store.listHolds({ lotId: lot.id }),
          lg.quality.verdict(lot.id),
          lg.documents.list({ lotId: lot.id }),
          lg.stock.massBalance(lot.id),
          lg.store.listLocations(),
        ]);
        const where = new Map(locations.map((l) => [l.id, l]));
        return {
          body: {
            lot,
            product,
            supplier: supplier ? { id: supplier.id, name: supplier.name, gln: supplier.gln } : undefined,
            stock: stock.map((s) => ({
              ...s,
              zone: where.get(s.locationId)?.zone,
              quarantine: where.get(s.locationId)?.quarantine === true,
            })),
            holds,
            verdict,
            documents: documents.map(({ content: _content, ...d }) => d),
            massBalance: balance,
          },
        };
      },
    ],
    [
      'GET',
      '/lots/:lotId/movements',
      async ({ params }) => {
        const lot = await requireLot(params.lotId);
        // The sdk has no per-lot event index: scan the ledger from the lot's creation onwards.
        const rows = [];
        for await (const e of iterateEvents(lg.store, lot.createdSeq)) rows.push(...movementRows(e, lot.id));
        return { body: rows };
      },
    ],
    [
      'GET',
      '/lots/:lotId/coa.pdf',
      async ({ params }) => ({
        bytes: await lg.quality.coa(checkId(HttpError, 'lotId', params.lotId)),
        type: 'application/pdf',
      }),
    ],
    [
      'POST',
      '/quality/results',
      async ({ body }) => ({ status: 201, body: await lg.quality.recordResult(body) }),
    ],
    [
      'POST',
      '/quality/decisions',
      async ({ body }) => ({ status: 201, body: await lg.quality.decide(body) }),
    ],
    [
      'GET',
      '/documents/:documentId',
      async ({ params }) => {
        const d = await lg.documents.get(checkId(HttpError, 'documentId', params.documentId));
        if (!d)
          throw new HttpError(
            404,
            'DOCUMENT_NOT_FOUND',
            `documentId: document "${params.documentId}" does not exist`,
            {
              field: 'documentId',
            },
          );
        if (!d.content)
          throw new HttpError(
            404,
            'NOT_FOUND',
            `documentId: the content of "${d.id}" is stored at ${d.uri}`,
            {
              field: 'documentId',
            },
          );
        return { bytes: d.content, type: d.mediaType };
      },
    ],
    [
      'GET',
      '/recalls',
      async () => {
        const cases = await lg.recall.list();
        const out = [];
        for (const c of cases) {
          const ev = await lg.recall.evidence(c.recallId);
          out.push({
            recallId: c.recallId,
            drill: c.drill,
            reason: c.reason,
            classification: c.classification,
            openedAt: c.openedAt,
            status: ev.status,
            suspectLots: c.scope.suspectLots,
            counts: c.scope.counts,
            notified: ev.effectiveness.notified,
            acknowledged: ev.effectiveness.acknowledged,
          });
        }
        return { body: out.reverse() };
      },
    ],
    [
      'GET',
      '/recalls/:recallId/notifications.csv',
      async ({ params }) => ({
        bytes: new TextEncoder().encode(
          await lg.recall.notificationCsv(checkId(HttpError, 'recallId', params.recallId)),
        ),
        type: 'text/csv; charset=utf-8',
      }),
    ],
    [
      'GET',
      '/genealogy/snapshot.bin',
      async () => {
        const g = await lg.exportGenealogy();
        return {
          bytes: g.snapshot,
          type: 'application/octet-stream',
          headers: { 'x-lotgraph-seq': String(g.seq) },
        };
      },
    ],
    [
      'GET',
      '/genealogy/nodes.json',
      async () => {
        // Node kinds and refs of the exported index, plus what a picture needs: the product (group) of each
        // lot, received lots (the supplier tier), lots on hold and customer names. The snapshot and this
        // sidecar are exported at the same seq (the response says which); the client checks they match.
        const g = await lg.exportGenealogy();
        const [products, parties, lots, holds] = await Promise.all([
          lg.store.listProducts(),
          lg.store.listParties(),
          lg.store.listLots(),
          lg.store.listHolds({ status: 'active' }),
        ]);
        const groupIndex = new Map(products.map((p, i) => [p.id, i]));
        const lotById = new Map(lots.map((l) => [l.id, l]));
        const names = new Map(parties.map((p) => [p.id, p.name]));
        const heldLots = new Set(holds.map((h) => h.lotId));
        const group = new Array(g.refs.length).fill(-1);
        const received = [];
        const held = [];
        const customerNames = {};
        g.refs.forEach((ref, i) => {
          if (g.kinds[i] === 0) {
            const l = lotById.get(ref);
            if (!l) return;
            group[i] = groupIndex.get(l.productId) ?? -1;
            if (l.origin === 'received') received.push(i);
            if (heldLots.has(ref)) held.push(i);
          } else if (g.kinds[i] === 2) customerNames[ref] = names.get(ref) ?? ref;
        });
        return {
          body: {
            seq: g.seq,
            kinds: g.kinds,
            refs: g.refs,
            group,
            groups: products.map((p) => ({ id: p.id, name: p.name, unit: p.unit })),
            received,
            held,
            names: customerNames,
          },
        };
      },
    ],
  ];
}
