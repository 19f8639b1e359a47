import { expect } from 'vitest';
import { getSuite, type KeyPair } from '../../src/crypto/index.js';
import {
  epcisDocument,
  PARTY_GLN,
  TEA,
  TEA_GARDEN,
  TEA_PARTIES,
  TEA_PRODUCTS,
} from '../../src/demos/tea-story.js';
import { toHex } from '../../src/encoding/index.js';
import { hashDocument, summarizeEvent, validateEpcis } from '../../src/epcis/index.js';
import type { BlockResult } from '../../src/execution/index.js';
import type { CborMap } from '../../src/ledger/index.js';
import { recordArgsFromSummary, traceModule } from '../../src/modules/trace/index.js';
import { MemoryChain } from '../../src/testing/index.js';

const suite = getSuite('ed25519');
export type TeaParty = keyof typeof TEA_PARTIES;

/**
 * A chain with the trace module and the tea story's registry (parties with their party GLNs, the
 * garden, the products), recording events as a node does (validated, hashed, summarised).
 */
export class TeaChain {
  readonly mc = new MemoryChain({
    suite,
    modules: [traceModule],
    timestamp: 1_743_000_000_000,
    chain: 'tea',
  });
  private readonly keys = new Map<TeaParty, KeyPair>();

  key(p: TeaParty): KeyPair {
    let k = this.keys.get(p);
    if (k === undefined) {
      k = suite.generateKeyPair();
      this.keys.set(p, k);
    }
    return k;
  }

  addr(p: TeaParty): string {
    return suite.address(this.key(p).publicKey);
  }

  call(p: TeaParty, method: string, args: CborMap): BlockResult {
    return this.mc.run([this.mc.tx(this.key(p), 'trace', method, args)]);
  }

  ok(p: TeaParty, method: string, args: CborMap): BlockResult {
    const r = this.call(p, method, args);
    expect(r.receipts[0]?.status, `${p} ${method}: ${r.receipts[0]?.message ?? ''}`).toBe('ok');
    return r;
  }

  record(p: TeaParty, event: Record<string, unknown>): BlockResult {
    return this.ok(p, 'record', TeaChain.args(event));
  }

  static args(event: Record<string, unknown>): CborMap {
    const doc = epcisDocument([event]);
    expect(validateEpcis(doc)).toEqual({ valid: true });
    const [h] = hashDocument(doc);
    if (h === undefined) throw new Error('no event');
    return recordArgsFromSummary(summarizeEvent(h.event, doc['@context']), h.digest);
  }

  query(name: string, args: Record<string, unknown> = {}): Record<string, unknown> {
    return this.mc.query('trace', name, args) as Record<string, unknown>;
  }

  /** `p`'s call fails with `code`, writing nothing. */
  refused(p: TeaParty, method: string, args: CborMap, code: string): void {
    const before = new Map([...this.mc.state].map(([k, v]) => [k, toHex(v)]));
    const r = this.call(p, method, args);
    expect(r.receipts[0]?.status, r.receipts[0]?.message).toBe(code);
    expect(r.receipts[0]?.writes).toEqual([]);
    expect(r.receipts[0]?.events).toEqual([]);
    expect(new Map([...this.mc.state].map(([k, v]) => [k, toHex(v)]))).toEqual(before);
  }

  static registered(): TeaChain {
    const c = new TeaChain();
    for (const p of ['garden', 'outsider', 'factory', 'packer', 'logistics', 'shop'] as const) {
      const party = TEA_PARTIES[p];
      c.ok('admin', 'registerParticipant', {
        id: party.id,
        name: party.name,
        kind: party.kind,
        accounts: [c.addr(p)],
        publish: true,
        ...(p === 'outsider' ? {} : { gln: PARTY_GLN[p] }),
      });
    }
    c.ok('admin', 'registerGarden', { ...TEA_GARDEN, owner: TEA_PARTIES.garden.id, gln: TEA.gln.garden });
    for (const { key, ...rest } of TEA_PRODUCTS)
      c.ok('admin', 'registerProduct', { ...rest, gtin: TEA.gtin[key] } as CborMap);
    return c;
  }
}
