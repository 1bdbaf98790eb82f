import { despatchAdviceFromShipment, readDespatchAdvices, writeDesadv } from '@lotgraph/integrations';
import type { Lotgraph } from '@lotgraph/sdk';

/** The EANCOM DESADV of shipment SH-1, and what a reader gets back from it. */
export async function desadvOf(lg: Lotgraph) {
  const advice = await despatchAdviceFromShipment(lg, 'SH-1', {
    senderGln: '9506000000046',
    controlRef: 'IC000001',
  });
  const edi = writeDesadv(advice); // UNA…UNB…UNH+1+DESADV:D:96A:UN:EAN005'…LIN…PIA+1+Y1:NB'…GIN+BX+Y1'…UNZ
  const [read] = readDespatchAdvices(edi);
  return { edi, batches: read?.advice.lines.map((l) => `${l.batch} ${l.expiry} ${l.quantity}`) };
}
