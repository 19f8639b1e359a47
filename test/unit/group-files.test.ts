import { describe, expect, it } from 'vitest';
import { RESERVED_GROUP_IDS } from '../../src/ledger/index.js';
import { groupFilesOf, PENDING_SECRETS_FILE, TRACE_DOCUMENTS_FILE } from '../../src/storage/index.js';

describe('groupFilesOf', () => {
  it('lists <group>.sqlite files and leaves out the node’s other SQLite files and the WAL sidecars', () => {
    const entries = [
      'main.sqlite',
      'main.sqlite-wal',
      'main.sqlite-shm',
      PENDING_SECRETS_FILE,
      `${PENDING_SECRETS_FILE}-wal`,
      TRACE_DOCUMENTS_FILE,
      'gov-chain.sqlite',
      'node.json',
    ];
    expect(groupFilesOf(entries)).toEqual(['main.sqlite', 'gov-chain.sqlite']);
  });

  it('the node’s own files are named after group ids a genesis may not use', () => {
    expect([PENDING_SECRETS_FILE, TRACE_DOCUMENTS_FILE].sort()).toEqual(
      RESERVED_GROUP_IDS.map((g) => `${g}.sqlite`).sort(),
    );
  });
});
