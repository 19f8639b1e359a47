import { type CryptoSuite, getSuite, type KeyPair } from '../crypto/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { ModuleRegistry } from '../execution/index.js';
import { type CborMap, DEFAULT_PARAMS, type Genesis, type Receipt } from '../ledger/index.js';
import { governanceAuthorizer } from '../modules/governance/index.js';
import { BUILTIN_MODULES, defaultPermissionRows } from '../modules/index.js';
import { credential, recordFromJson, voteArgs } from '../modules/voting/index.js';
import { buildGenesisBlock } from '../node/genesis-block.js';
import { MemoryChain } from './memory-chain.js';
import { seedOf } from './voting-sandbox.js';

/** The organisations of a funds sandbox: each has one admin key named after it. */
export const FUNDS_SANDBOX_ORGS = ['property', 'bank', 'bureau', 'charity', 'civil', 'notary'] as const;

/** Accounts (by name) that hold governance's `voting-registrar` role: owners' resolutions. */
export const FUNDS_SANDBOX_REGISTRARS = ['bureau', 'alice', 'bank'] as const;

/** An owners' resolution to hold: its owners' weights, who votes yes / no (indexes), the matter. */
export interface OwnersVote {
  readonly id: string;
  readonly title: string;
  readonly weights: readonly number[];
  readonly yes: readonly number[];
  readonly no?: readonly number[];
  readonly matter?: 'ordinary' | 'major';
  readonly registrar?: string;
  /** Stop before `close` (the resolution stays open). */
  readonly leaveOpen?: boolean;
}

/** A named call: actor, module, method, args. */
export type FundsCall = readonly [actor: string, module: string, method: string, args: CborMap];

/**
 * The built-in modules (funds among them) on an in-memory chain whose block 0 is built by the
 * node's genesis builder, with governance's Authorizer: organisations `property` (manager), `bank`
 * (custodian), `bureau` (supervisor), `charity`, `civil` (supervisor of charities), `notary`; any
 * other name is a plain account (a resident, a donor). For tests and the benchmark.
 */
export class FundsSandbox {
  readonly suite: CryptoSuite;
  readonly chain: MemoryChain;
  private readonly keyring = new Map<string, KeyPair>();
  private readonly sign: boolean;

  constructor(o: { sign?: boolean; timestamp?: number; sink?: (key: string) => boolean } = {}) {
    this.suite = getSuite('ed25519');
    this.sign = o.sign ?? true;
    const genesis: Genesis = {
      chain: 'funds-sandbox',
      group: 'main',
      suite: 'ed25519',
      timestamp: o.timestamp ?? 1_767_225_600_000,
      params: { ...DEFAULT_PARAMS, maxBlockTxs: 100_000, maxValidityWindow: 1_000_000 },
      orgs: FUNDS_SANDBOX_ORGS.map((id) => ({
        id,
        name: id,
        admins: [toHex(this.key(id).publicKey)],
        nodes: [],
      })),
      committee: { members: [{ account: this.addr('property'), weight: 1 }], threshold: 51 },
      roles: Object.fromEntries(FUNDS_SANDBOX_REGISTRARS.map((n) => [this.addr(n), ['voting-registrar']])),
      permissions: defaultPermissionRows(BUILTIN_MODULES),
    };
    this.chain = new MemoryChain({
      suite: this.suite,
      modules: BUILTIN_MODULES,
      authorizer: governanceAuthorizer,
      timestamp: genesis.timestamp,
      chain: genesis.chain,
      params: genesis.params,
      ...(o.sink === undefined ? {} : { sink: o.sink }),
    });
    const block0 = buildGenesisBlock(this.suite, new ModuleRegistry(BUILTIN_MODULES), genesis);
    for (const [k, v] of block0.writes) if (v !== null) this.chain.state.set(k, v);
  }

  key(name: string): KeyPair {
    let k = this.keyring.get(name);
    if (k === undefined) {
      k = this.suite.generateKeyPair();
      this.keyring.set(name, k);
    }
    return k;
  }

  addr(name: string): string {
    return this.suite.address(this.key(name).publicKey);
  }

  get now(): number {
    return this.chain.head.timestamp;
  }

  /** One block of calls at `ts` (default: one second after the head); the receipts. */
  block(calls: readonly FundsCall[], ts?: number): Receipt[] {
    const txs = calls.map(([who, m, method, args]) =>
      this.chain.tx(this.key(who), m, method, args, { sign: this.sign }),
    );
    return [...this.chain.run(txs, ts).receipts];
  }

  /** One funds call in its own block. */
  call(who: string, method: string, args: CborMap, ts?: number): Receipt {
    return this.block([[who, 'funds', method, args]], ts)[0] as Receipt;
  }

  query(name: string, args: Readonly<Record<string, unknown>> = {}): unknown {
    return this.chain.query('funds', name, args);
  }

  /** Anchor the digest of `text` as evidence (by the notary); the digest. */
  anchor(text: string, who = 'notary'): Uint8Array {
    const digest = this.suite.hash(utf8(text));
    const r = this.block([
      [
        who,
        'evidence',
        'anchor',
        { digest, alg: 'sha256', meta: { type: 'receipt', capturedBy: who, capturedAt: 1, method: 'scan' } },
      ],
    ])[0];
    if (r?.status !== 'ok') throw new Error(`anchor failed: ${r?.status}`);
    return digest;
  }

  /**
   * Hold an owners' resolution in the voting module, through the real executor: create, enrol
   * the owners (credential seeds `<id>/owner-<i>`), freeze, open, the votes, close.
   */
  ownersVote(v: OwnersVote): void {
    const who = v.registrar ?? 'bureau';
    const run = (method: string, args: CborMap) => {
      const r = this.block([[who, 'voting', method, args]])[0];
      if (r?.status !== 'ok') throw new Error(`voting.${method}: ${r?.status} ${r?.message ?? ''}`);
    };
    const seed = (i: number) => seedOf(`${v.id}/owner-${i}`);
    run('create', { id: v.id, kind: 'resolution', title: v.title, matter: v.matter ?? 'ordinary' });
    run('enrol', {
      election: v.id,
      voters: v.weights.map((weight, i) => ({
        credential: credential({ group: 'ed25519' }, seed(i)).publicKey,
        weight,
      })),
    });
    run('freeze', { election: v.id });
    run('open', { election: v.id });
    const e = recordFromJson(this.chain.query('voting', 'record', { election: v.id })).election;
    const ballots: [number, 'yes' | 'no'][] = [
      ...v.yes.map((i): [number, 'yes'] => [i, 'yes']),
      ...(v.no ?? []).map((i): [number, 'no'] => [i, 'no']),
    ];
    for (const [i, choice] of ballots) run('vote', voteArgs(e, seed(i), 1, choice, seedOf(`${v.id}/v${i}`)));
    if (v.leaveOpen !== true) run('close', { election: v.id });
  }

  digest(text: string): Uint8Array {
    return this.suite.hash(utf8(text));
  }

  /** Every committed key → hex value (to show that a refused call changed nothing). */
  snapshot(): Map<string, string> {
    return new Map([...this.chain.state].map(([k, v]) => [k, toHex(v)]));
  }
}
