import { getSuite, type KeyPair } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import type { CborMap } from '../ledger/index.js';
import { buildTx, GongzhiClient } from '../sdk/index.js';
import { DEFAULT_URL, loadKey } from './util.js';

/** Options shared by commands that talk to a node. */
export interface ClientOpts {
  url?: string;
  group: string;
  key?: string;
  password?: string;
}

/** A client, the node's chain facts, and a signer built from `--key`. */
export async function clientContext(o: ClientOpts) {
  const client = new GongzhiClient({ url: o.url ?? DEFAULT_URL });
  const info = await client.node();
  const suite = getSuite(info.suite);
  let key: KeyPair | undefined;
  const signer = async (): Promise<KeyPair> => {
    if (!o.key) throw new GongzhiError('CONFIG_INVALID', '--key <keystore> is required for this command');
    key ??= await loadKey(o.key, o.password);
    return key;
  };
  /** Sign, submit and wait for the commit of one call. */
  const send = async (module: string, method: string, args: CborMap) => {
    const k = await signer();
    const latest = await client.block(o.group, 'latest');
    const tx = buildTx({
      suite,
      secretKey: k.secretKey,
      chain: info.chain,
      group: o.group,
      module,
      method,
      args,
      validUntil: latest.height + 100,
    });
    return client.submit(o.group, tx.bytes, { wait: 'commit' });
  };
  return { client, info, suite, send, signer };
}
