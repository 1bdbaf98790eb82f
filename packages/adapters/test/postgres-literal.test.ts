// The PostgreSQL driver writes a script's values as literals (one simple-query message per round trip):
// escapeText must give exactly pg's escapeLiteral text for every string, and literals must read back as
// the values they were built from on the real server. Also: large values are stored with lz4 (migration 5).

import { PostgresStore } from '@lotgraph/adapters/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeText, literal } from '../src/postgres/postgres-driver.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();

const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom("'", '\\', 'a', '\n', 'é', '"', 'E', ' ') }),
);

describe('PostgreSQL literals', () => {
  it("escapeText writes exactly what pg's escapeLiteral writes (property)", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(escapeText(s)).toBe(pg.escapeLiteral(s));
      }),
    );
  });
});

describe.skipIf(!pgUp)('PostgreSQL literals and large values on the server', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('reads back as the strings they were built from, on the server (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          text.filter((s) => !s.includes('\u0000')),
          { maxLength: 8 },
        ),
        async (values) => {
          if (values.length === 0) return;
          const r = await client.query(`SELECT ${values.map((v, i) => `${literal(v)} AS c${i}`).join(', ')}`);
          expect(values.map((_, i) => r.rows[0][`c${i}`])).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stores event payloads and records with lz4 when the server has it (migration 5)', async () => {
    const schema = freshSchema('lz4');
    const store = await PostgresStore.open({ connectionString: PG_URL, schema, max: 1 });
    try {
      const has = await client.query(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
      );
      const r = await client.query(
        `SELECT c.relname, a.attcompression FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND ((c.relname = 'events' AND a.attname = 'payload') OR (c.relname = 'records' AND a.attname = 'value'))
         ORDER BY c.relname`,
        [schema],
      );
      const expected = has.rowCount ? 'l' : '';
      expect(r.rows).toEqual([
        { relname: 'events', attcompression: expected },
        { relname: 'records', attcompression: expected },
      ]);
    } finally {
      await store.dropSchema();
      await store.close();
    }
  });
});
