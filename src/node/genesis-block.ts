import type { CryptoSuite } from '../crypto/index.js';
import type { ModuleRegistry } from '../execution/index.js';
import {
  type BlockHeader,
  blockHash,
  type Genesis,
  genesisHash,
  merkleRoot,
  ZERO_HASH,
} from '../ledger/index.js';
import { MapSource, nextStateRoot, type PendingWrite, StateOverlay, writeEntries } from '../state/index.js';

/** Block 0 of a group, derived from its genesis document alone. */
export interface GenesisBlock {
  readonly header: BlockHeader;
  readonly hash: Uint8Array;
  readonly writes: ReadonlyMap<string, PendingWrite>;
  readonly genesisHash: Uint8Array;
}

/** Build block 0: every module writes its initial state; the header commits to it. */
export function buildGenesisBlock(
  suite: CryptoSuite,
  registry: ModuleRegistry,
  genesis: Genesis,
): GenesisBlock {
  const state = new StateOverlay(new MapSource());
  registry.assertGenesisSections(genesis);
  for (const m of registry.list())
    m.initGenesis?.({ genesis, state, suite, config: m.genesisConfig(genesis) });
  const gHash = genesisHash(suite, genesis);
  const header: BlockHeader = {
    chain: genesis.chain,
    group: genesis.group,
    height: 0,
    parent: ZERO_HASH,
    timestamp: genesis.timestamp,
    txCount: 0,
    txRoot: merkleRoot(suite.hash, []),
    receiptRoot: merkleRoot(suite.hash, []),
    stateRoot: nextStateRoot(suite, ZERO_HASH, writeEntries(suite, state.writes())),
    order: { genesis: gHash },
  };
  return { header, hash: blockHash(suite, header), writes: state.writes(), genesisHash: gHash };
}
