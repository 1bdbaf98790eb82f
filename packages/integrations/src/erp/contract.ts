/**
 * The ERP seam: what a connector pulls (batch masters, goods movements) and pushes (lots, movements,
 * holds), and where the sync engine keeps its checkpoints.
 *
 * @module
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A batch master record of the ERP (SAP `A_Batch`, Exact `BatchNumbers`), mapped to lotgraph's words. */
export interface ErpBatch {
  /** The ERP's material / item code (mapped to a lotgraph product by the engine's `productFor`). */
  material: string;
  /** The ERP's batch number. */
  batch: string;
  supplier?: string;
  /** The supplier's own batch number (SAP `BatchBySupplier`). */
  supplierBatch?: string;
  expiry?: string;
  productionDate?: string;
  /** ISO 3166-1 alpha-2. */
  originCountry?: string;
  /** When the ERP last changed the record (ISO instant): the pull's high-water mark. */
  changedAt: string;
}

/** A goods movement of one batch, mapped to lotgraph's words. */
export interface ErpMovement {
  /** Stable id of the movement in the ERP (e.g. `2026/4900000001/1`): the idempotency key's tail. */
  key: string;
  /** `receipt` books stock in (lotgraph `receive`), `issue` takes it out (`adjust` with a negative delta). */
  kind: 'receipt' | 'issue';
  material: string;
  batch: string;
  /** The ERP's storage location / warehouse code (mapped to a lotgraph location by `locationFor`). */
  location: string;
  /** Positive decimal string. */
  quantity: string;
  /** ERP unit code, if the ERP gave one. */
  unit?: string;
  /** The ERP's movement type code (SAP `GoodsMovementType`, Exact `StockTransactionType`). */
  movementType: string;
  supplier?: string;
  /** SAP plant (needed to look the batch master up). */
  plant?: string;
  postedAt: string;
  /** When the ERP recorded it (ISO instant): the pull's high-water mark. */
  changedAt: string;
}

/** Where a pull starts: after `since` (a high-water mark), or on the page an earlier run stopped at. */
export interface PullCursor {
  since?: string;
  /** The ERP's own next-page link (`__next`) of an unfinished run. */
  page?: string;
}

/** One page of a pull. `next` is the ERP's next-page link; absent on the last page. */
export interface PullPage<T> {
  items: T[];
  next?: string;
}

/** A lot to push to the ERP (a batch master). */
export interface PushLot {
  key: string;
  material: string;
  batch: string;
  plant?: string;
  expiry?: string;
  productionDate?: string;
  supplierBatch?: string;
}

/** A hold (or its release) to push to the ERP (SAP: restricted-use batch status). */
export interface PushHold {
  key: string;
  material: string;
  batch: string;
  plant?: string;
  held: boolean;
}

/** A goods movement to push to the ERP. */
export interface PushMovement {
  key: string;
  kind: 'receipt' | 'issue';
  material: string;
  batch: string;
  location: string;
  plant?: string;
  quantity: string;
  unit: string;
  postedAt: string;
}

/**
 * An ERP connector. Pulls return pages in the ERP's order, with the ERP's next-page link; pushes are
 * idempotent per `key` where the ERP allows it and throw `DeliveryError` (retryable or not).
 */
export interface ErpConnector {
  /** Short name, part of every idempotency key the engine makes (`erp:{name}:…`). */
  readonly name: string;
  pullBatches(cursor: PullCursor): Promise<PullPage<ErpBatch>>;
  pullMovements(cursor: PullCursor): Promise<PullPage<ErpMovement>>;
  /** One batch master (for a receipt whose batch the engine has not seen in this run). */
  getBatch(material: string, batch: string, plant?: string): Promise<ErpBatch | undefined>;
  pushLot?(lot: PushLot): Promise<void>;
  pushMovement?(movement: PushMovement): Promise<void>;
  pushHold?(hold: PushHold): Promise<void>;
}

/** What the engine remembers per stream: the high-water mark and, mid-run, the next page. */
export interface SyncCheckpoint {
  since?: string;
  page?: string;
  /** For the push stream: the last ledger sequence number pushed. */
  seq?: number;
}

/** Where checkpoints live; `set` must be durable when it resolves. */
export interface CheckpointStore {
  get(stream: string): Promise<SyncCheckpoint | undefined>;
  set(stream: string, checkpoint: SyncCheckpoint): Promise<void>;
}

/** Checkpoints in memory (tests, or a process that re-syncs from scratch on start). */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly map = new Map<string, SyncCheckpoint>();
  async get(stream: string) {
    const c = this.map.get(stream);
    return c ? { ...c } : undefined;
  }
  async set(stream: string, checkpoint: SyncCheckpoint) {
    this.map.set(stream, { ...checkpoint });
  }
}

/** Checkpoints in a JSON file, replaced atomically (write to a temp file, then rename). */
export function fileCheckpointStore(path: string): CheckpointStore {
  const load = async (): Promise<Record<string, SyncCheckpoint>> => {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Record<string, SyncCheckpoint>;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return {};
      throw e;
    }
  };
  let chain: Promise<unknown> = Promise.resolve();
  return {
    async get(stream) {
      return (await load())[stream];
    },
    set(stream, checkpoint) {
      const run = chain.then(async () => {
        const all = await load();
        all[stream] = checkpoint;
        await mkdir(dirname(path), { recursive: true });
        const tmp = `${path}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(all));
        await rename(tmp, path);
      });
      chain = run.catch(() => undefined);
      return run;
    },
  };
}
