import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { epcisDocument, pickingEvent } from '../../src/demos/tea-story.js';
import { toHex } from '../../src/encoding/index.js';
import { prepareDocument, ServedDocuments } from '../../src/node/trace-recorder.js';
import { TraceDocumentStore } from '../../src/storage/index.js';
import { tempDir } from '../helpers/fixtures.js';

/** The node's store of full event documents: its layout, and a file of the first layout. */

const tableSql = (path: string): string => {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'trace_events'").all() as {
      sql: string;
    }[];
    return rows.map((r) => r.sql).join('\n');
  } finally {
    db.close();
  }
};

const doc = (hash: string, quantity: number) => ({
  group: 'main',
  hash,
  event: { type: 'ObjectEvent', quantityList: [{ quantity }], pad: 'x'.repeat(1500) },
  ignore: [],
  height: 7,
  tx: 'ab',
});

describe('trace document store', () => {
  it('keeps documents in a rowid table with a unique (group, hash) index; a put replaces', () => {
    const t = tempDir('gongzhi-trace-docs-');
    try {
      const path = join(t.dir, 'trace-events.sqlite');
      const s = TraceDocumentStore.open(path);
      s.put([doc('aa', 1), doc('bb', 2)]);
      s.put([doc('aa', 3)]);
      expect(s.count('main')).toBe(2);
      expect(s.get('main', 'aa')?.event.quantityList).toEqual([{ quantity: 3 }]);
      s.close();
      const sql = tableSql(path);
      expect(sql).not.toMatch(/WITHOUT ROWID/i);
      expect(sql).toMatch(/CREATE UNIQUE INDEX trace_events_by_hash ON trace_events \(grp, hash\)/);
    } finally {
      t.remove();
    }
  });

  it('copies a file of the first layout (WITHOUT ROWID) into the current one, documents intact', () => {
    const t = tempDir('gongzhi-trace-docs-old-');
    try {
      const path = join(t.dir, 'trace-events.sqlite');
      const old = new Database(path);
      old.exec(`CREATE TABLE trace_events (
        grp TEXT NOT NULL, hash TEXT NOT NULL, event TEXT NOT NULL, ignore_fields TEXT NOT NULL,
        height INTEGER NOT NULL, tx TEXT NOT NULL, stored_at INTEGER NOT NULL,
        PRIMARY KEY (grp, hash)) WITHOUT ROWID`);
      const put = old.prepare('INSERT INTO trace_events VALUES (?, ?, ?, ?, ?, ?, ?)');
      put.run('main', 'aa', JSON.stringify({ type: 'ObjectEvent', n: 1 }), '["eventID"]', 3, 'cd', 1000);
      put.run('other', 'aa', JSON.stringify({ type: 'ObjectEvent', n: 2 }), '[]', 4, 'ef', 2000);
      old.close();
      const s = TraceDocumentStore.open(path);
      expect(s.get('main', 'aa')).toEqual({
        group: 'main',
        hash: 'aa',
        event: { type: 'ObjectEvent', n: 1 },
        ignore: ['eventID'],
        height: 3,
        tx: 'cd',
        storedAt: 1000,
      });
      expect(s.text('other', 'aa')).toBe('{"type":"ObjectEvent","n":2}\n[]');
      expect(s.count('main') + s.count('other')).toBe(2);
      s.close();
      expect(tableSql(path)).not.toMatch(/WITHOUT ROWID/i);
      // Opened again: nothing to do.
      const again = TraceDocumentStore.open(path);
      expect(again.count('main')).toBe(1);
      again.close();
    } finally {
      t.remove();
    }
  });

  it('serves a checked document without reading it again until the store changes; a tamper by another connection is caught', () => {
    const t = tempDir('gongzhi-trace-docs-served-');
    try {
      const path = join(t.dir, 'trace-events.sqlite');
      const s = TraceDocumentStore.open(path);
      const [p] = prepareDocument(
        epcisDocument([pickingEvent({ lot: 'SF250402', kg: 48, time: '2025-04-02T06:30:00+08:00' })]),
      );
      if (p === undefined) throw new Error('no event');
      const hash = toHex(p.digest);
      const kept = { group: 'main', hash, event: p.event, ignore: p.ignore, height: 1, tx: '' };
      s.put([kept]);
      let texts = 0;
      const docs = new ServedDocuments(
        { group: 'main', query: () => undefined },
        {
          text: (g, h) => {
            texts++;
            return s.text(g, h);
          },
          get: (g, h) => s.get(g, h),
          version: () => s.version(),
        },
      );
      expect(docs.served(hash, true).matches).toBe(true);
      expect(docs.served(hash, true).matches).toBe(true);
      expect(texts).toBe(1);
      // Another connection to the file changes the row: the next answer reads and re-hashes it.
      const other = TraceDocumentStore.open(path);
      other.put([{ ...kept, event: { ...p.event, quantityList: [{ quantity: 480 }] } }]);
      expect(docs.served(hash, true).matches).toBe(false);
      expect(docs.served(hash, true).matches).toBe(false);
      expect(texts).toBe(2);
      // Put back through this store: read again, matching.
      s.put([kept]);
      expect(docs.served(hash, true).matches).toBe(true);
      expect(texts).toBe(3);
      other.close();
      s.close();
    } finally {
      t.remove();
    }
  });
});
