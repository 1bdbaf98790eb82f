import { fileCheckpointStore, sapConnector, syncFromErp } from '@lotgraph/integrations';
import type { Lotgraph } from '@lotgraph/sdk';

/** Pull SAP batch masters and goods movements into the ledger; safe to run again (or after a crash). */
export async function syncSap(lg: Lotgraph, baseUrl: string, checkpointFile: string) {
  const sap = sapConnector({
    baseUrl,
    plant: '1010',
    headers: { authorization: `Basic ${btoa('USER:PASS')}` },
  });
  return syncFromErp(lg, sap, {
    checkpoints: fileCheckpointStore(checkpointFile),
    locationFor: (storageLocation) => `WH-${storageLocation}`,
    onConflict: (c) => console.warn(`${c.reason}: ${c.message}`),
  });
}
