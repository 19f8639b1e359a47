import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GongzhiError } from '../errors/index.js';
import { PENDING_SECRETS_FILE } from './pending-secrets.js';
import { TRACE_DOCUMENTS_FILE } from './trace-documents.js';

/**
 * Refuse to write a consortium into a directory that already holds something: `init` would mix
 * new keys and genesis files with old ones (or overwrite them). A missing or empty directory is
 * fine. DIR_NOT_EMPTY names what is there.
 */
export function assertEmptyDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    throw new GongzhiError('DIR_NOT_EMPTY', `${dir} exists and is not a directory`, { dir });
  }
  const entries = readdirSync(dir);
  if (entries.length > 0) {
    throw new GongzhiError(
      'DIR_NOT_EMPTY',
      `${dir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''})`,
      { dir, entries: entries.length },
    );
  }
}

/**
 * Owner-only modes for a consortium directory's files: genesis documents, node configs and data
 * files 0600, their folders 0700. The keys are 0600 already (writeKeystoreFile). Genesis
 * documents are not secret, but they are the consortium's trust root and its member list: other
 * local users have no business reading or editing them; share copies deliberately.
 */
export function restrictConsortiumFiles(dir: string): void {
  for (const sub of ['genesis', 'nodes', 'data', 'keys']) {
    const d = join(dir, sub);
    if (!existsSync(d)) continue;
    chmodSync(d, 0o700);
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isFile()) chmodSync(p, 0o600);
    }
  }
}

/**
 * The node's SQLite files that are not a group's ledger (`<group>.sqlite`): they sit in the same
 * data directory, so whatever lists group files must leave them out.
 */
const AUXILIARY_FILES: readonly string[] = [TRACE_DOCUMENTS_FILE, PENDING_SECRETS_FILE];

/** The group files (`<group>.sqlite`) among a data directory's entries. */
export function groupFilesOf(entries: readonly string[]): string[] {
  return entries.filter((f) => f.endsWith('.sqlite') && !AUXILIARY_FILES.includes(f));
}
