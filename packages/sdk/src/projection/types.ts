/**
 * The contract of projections — a leaf module. A projector turns one committed event into projection
 * changes and genealogy refs; each feature folder declares the projectors of its own events
 * (`Partial<Record<EventType, Projector>>`) and `projection/projectors.ts` registers them.
 *
 * @module
 */
import type { Lot, Product } from '../domain/schemas.js';
import type { EventType, StoredEvent } from '../ledger/events.js';
import type { ProjectionChange } from '../store/port.js';

/** A genealogy node named by domain ref (resolved to a dense id at append time). */
export interface NodeRef {
  kind: number;
  ref: string;
}

/** A genealogy edge between node refs with an exact quantity. */
export interface RefEdge {
  src: NodeRef;
  dst: NodeRef;
  quantity: bigint;
  scale: number;
}

/** What one event projects to, before genealogy refs are resolved to ids. */
export interface Projection {
  changes: ProjectionChange[];
  /** Nodes this event needs (created when missing). */
  nodes: NodeRef[];
  edges: RefEdge[];
}

/** Read access the projection needs: products (for decimals) and lots (for corrections). */
export interface ProjectionContext {
  product(id: string): Promise<Product | undefined>;
  lot(id: string): Promise<Lot | undefined>;
}

/** Projects one event of its type into `out` (changes, nodes, edges). */
export type Projector = (e: StoredEvent, ctx: ProjectionContext, out: Projection) => void | Promise<void>;

/** The projectors of one feature, by the event types it owns. */
export type Projectors = Partial<Record<EventType, Projector>>;
