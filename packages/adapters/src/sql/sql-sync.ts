/**
 * Multi-process sync for every SQL store: subscribers are told the new head seq whenever any process
 * commits — through the driver's change notification (PostgreSQL LISTEN/NOTIFY), or by polling the head
 * where the database has none (MariaDB/MySQL, SQLite). A hint only: readers catch up by seq.
 *
 * @module
 */
import type { SqlDriver, SqlErrorContext } from './driver.js';

/** The subscribers of one store and the notification or poll that feeds them. */
export class HeadFollower {
  private readonly subscribers = new Set<(seq: number) => void>();
  private stop: (() => Promise<void>) | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly driver: SqlDriver,
    private readonly headSeq: () => Promise<number>,
    private readonly pollMs: number,
    private readonly closed: () => boolean,
    private readonly report: (error: unknown, context: SqlErrorContext) => void,
  ) {}

  /** Add a subscriber (starting the notification or poll with the first); resolves to its unsubscribe. */
  async subscribe(onAppend: (seq: number) => void): Promise<() => Promise<void>> {
    this.subscribers.add(onAppend);
    if (!this.stop) {
      try {
        this.starting ??= this.start().finally(() => {
          this.starting = undefined;
        });
        await this.starting;
      } catch (e) {
        this.subscribers.delete(onAppend);
        throw e;
      }
    }
    return async () => {
      this.subscribers.delete(onAppend);
      if (this.subscribers.size === 0) await this.close();
    };
  }

  /** Call every subscriber; one that throws is reported and does not stop the others. */
  private notify(seq: number): void {
    for (const f of [...this.subscribers]) {
      try {
        f(seq);
      } catch (e) {
        this.report(e, { source: 'subscriber' });
      }
    }
  }

  private async start(): Promise<void> {
    if (this.driver.listen) {
      this.stop = await this.driver.listen((seq) => this.notify(seq), this.headSeq);
      return;
    }
    let last = await this.headSeq();
    let busy = false;
    const timer = setInterval(() => {
      if (busy || this.closed()) return;
      busy = true;
      this.headSeq()
        .then((seq) => {
          if (seq !== last) {
            last = seq;
            this.notify(seq);
          }
        })
        .catch((e) => this.report(e, { source: 'poll' }))
        .finally(() => {
          busy = false;
        });
    }, this.pollMs);
    timer.unref?.();
    this.stop = async () => clearInterval(timer);
  }

  /** Stop notifying (waits for a start under way). */
  async close(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const stop = this.stop;
    this.stop = undefined;
    await stop?.();
  }
}

/**
 * Background statistics refreshes (`SqlDialect.analyze`) by rows appended — events, and serial rows, which
 * grow a thousand times faster than the ledger — at 1,000 rows, then each time the count doubles: a handful
 * over a store's life. Without them a planner that saw the serials table small scans every serial of a GTIN
 * to update a hundred (a pallet ship went from 60 to 100+ ms). One refresh at a time; errors go to `report`.
 */
export class StatisticsRefresher {
  private rows = 0;
  private next = 1000;
  private running = false;

  constructor(
    private readonly statements: () => readonly string[] | undefined,
    private readonly run: (sql: string) => Promise<unknown>,
    private readonly closed: () => boolean,
    private readonly report: (error: unknown) => void,
  ) {}

  /** An append committed up to `seq` with `rows` rows. */
  appended(seq: number, rows: number): void {
    this.rows = Math.max(this.rows + rows, seq);
    if (this.rows < this.next || this.running || this.closed()) return;
    const statements = this.statements();
    if (!statements) return;
    this.next = this.rows * 2;
    this.running = true;
    (async () => {
      for (const sql of statements) {
        if (this.closed()) break;
        await this.run(sql);
      }
    })()
      .catch((e) => this.report(e))
      .finally(() => {
        this.running = false;
      });
  }
}
