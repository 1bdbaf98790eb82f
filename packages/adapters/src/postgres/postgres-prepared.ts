/**
 * Server-side prepared statements inside the PostgreSQL driver's one-message scripts. A script is sent as
 * ONE simple-query message (one round trip); every statement of it used to be parsed, analysed and planned
 * by the server anew (≈ 0.3 ms of a command's ≈ 1 ms on the server). Here a statement text seen before becomes
 * `EXECUTE lg_…(literals)`, its `PREPARE lg_… AS …` sent once per connection at the head of the script that
 * first uses it, so the server reuses its analysis and (after five executions, `plan_cache_mode = auto`)
 * its generic plan.
 *
 * - **Names.** `lg_` and a hash of the statement text, which names its schema-qualified tables: stores of
 *   several schemas share a connection without colliding, and two stores of one schema share a name for
 *   the same text.
 * - **Which connections know which names.** A set kept on the `pg` client object itself (under a
 *   `Symbol.for` key, so every copy of this module in a process agrees). A reconnect is a new client and
 *   starts empty.
 * - **A failed script.** `PREPARE` is not transactional, and after an error it is unknown which of a
 *   script's `PREPARE`s ran: that session prepares nothing more and its connection is discarded on release.
 *   An error `PREPARE` itself could raise (class 42, 0A) also sends that script's new statements inline
 *   from then on.
 * - **A server that forgets them** (`DISCARD ALL` behind our back, a pooler in transaction mode):
 *   `EXECUTE` fails with `26000` (or `PREPARE` with `42P05`); the driver then stops preparing for good and
 *   the error is a retryable `CONFLICT` (see `mapPgError`).
 * - **Bounded.** A text is prepared from its second use on (one-off shapes — a large batch's multi-row
 *   inserts — stay inline), only when short, and at most {@link MAX_PER_CONNECTION} per connection.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Statement } from '../sql/driver.js';

/** Most statements prepared on one connection (the rest are sent inline). */
export const MAX_PER_CONNECTION = 200;
/** Longest statement text that is prepared (longer ones are the multi-row inserts of large batches). */
const MAX_TEXT = 2048;
/** Distinct texts remembered (names and sightings); the maps start over when full. */
const MAX_TEXTS = 4096;

/** Statements that may be prepared: reads and writes (not transaction control, `LISTEN`, DDL …). */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;

const KEY = Symbol.for('lotgraph.postgres.prepared');

/** The names prepared on a connection (kept on the client object). */
export function preparedOn(client: object): Set<string> {
  const c = client as { [KEY]?: Set<string> };
  let set = c[KEY];
  if (!set) {
    set = new Set();
    Object.defineProperty(c, KEY, { value: set, enumerable: false });
  }
  return set;
}

/** Statement texts → their prepared names, and how often each was seen. */
export class PreparedNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();
  /** Names whose `PREPARE` may have been what failed (sent inline from then on). */
  private readonly refused = new Set<string>();

  /** The name for `sql` if it should be prepared now (seen before, short enough), else undefined. */
  nameFor(sql: string): string | undefined {
    const name = this.names.get(sql);
    if (name) return this.refused.has(name) ? undefined : name;
    if (sql.length > MAX_TEXT) return undefined;
    const n = (this.seen.get(sql) ?? 0) + 1;
    if (n < 2) {
      if (this.seen.size >= MAX_TEXTS) this.seen.clear();
      this.seen.set(sql, n);
      return undefined;
    }
    this.seen.delete(sql);
    if (this.names.size >= MAX_TEXTS) {
      this.names.clear();
      this.refused.clear();
    }
    const made = `lg_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
    this.names.set(sql, made);
    return made;
  }

  /** Send these statements inline from now on. */
  refuse(names: readonly string[]): void {
    for (const n of names) this.refused.add(n);
  }
}

/**
 * A script that prepared `names` failed with `error`: if `PREPARE` itself could have raised it (an error
 * of analysis — class 42 — or an unsupported feature), those statements are sent inline from now on, so a
 * statement the server cannot prepare costs one failed command (retried by the caller), never more.
 */
export function refuseAfter(names: PreparedNames, prepared: readonly string[], error: unknown): void {
  const code = String((error as { code?: string })?.code ?? '');
  if (code.startsWith('42') || code.startsWith('0A')) names.refuse(prepared);
}

/** A script rendered for one connection: its text, and how many `PREPARE` results lead its results. */
export interface RenderedScript {
  text: string;
  prepares: number;
  /** The names this script prepares (added to the connection's set once it was sent). */
  added: string[];
}

/**
 * The script's text: each read or write whose text is prepared on this connection (or is prepared now, by
 * a `PREPARE` at the head of the script) as `EXECUTE`; the rest as `inline` renders them.
 */
export function renderPrepared(
  statements: readonly Statement[],
  known: Set<string>,
  names: PreparedNames,
  numbered: (sql: string) => string,
  literal: (v: unknown) => string,
  inline: (s: Statement) => string,
): RenderedScript {
  const head: string[] = [];
  const added: string[] = [];
  const body = statements.map((s) => {
    const params = s.params ?? [];
    // Transaction control (BEGIN, COMMIT …) as it is; a read or write without parameters is prepared too.
    if (params.length === 0 && !PREPARABLE.test(s.sql)) return s.sql;
    const name = names.nameFor(s.sql);
    if (name === undefined) return inline(s);
    if (!known.has(name) && !added.includes(name)) {
      if (known.size + added.length >= MAX_PER_CONNECTION) return inline(s);
      head.push(`PREPARE ${name} AS ${numbered(s.sql)}`);
      added.push(name);
    }
    return params.length === 0 ? `EXECUTE ${name}` : `EXECUTE ${name}(${params.map(literal).join(', ')})`;
  });
  return { text: [...head, ...body].join(';\n'), prepares: head.length, added };
}

/** Errors that mean the server does not hold the statements we think it does. */
export function isLostPrepared(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  return code === '26000' || code === '42P05';
}
