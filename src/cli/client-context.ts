import { getSuite, type KeyPair } from '../crypto/index.js';
import { GongzhiError } from '../errors/index.js';
import type { CborMap } from '../ledger/index.js';
import { buildTx, GongzhiClient, type SubmitResponse } from '../sdk/index.js';
import { DEFAULT_URL, hintOf, loadKey, type PasswordOpts, printJson } from './util.js';

/** Options shared by commands that talk to a node. */
export interface ClientOpts extends PasswordOpts {
  url?: string;
  /** Undefined: `governance` when the node serves it, else the node's only group. */
  group?: string | undefined;
  key?: string;
}

/** The `--group` help text of client commands. */
export const GROUP_HELP = 'group (default: governance, or the node’s only group)';

/**
 * The group a command works on. Without --group: `governance` if the node serves it, else the
 * node's single group; a group the node does not serve is TX_UNKNOWN_GROUP naming those it does.
 */
export function chooseGroup(asked: string | undefined, served: readonly string[]): string {
  const pick = asked ?? (served.includes('governance') || served.length !== 1 ? 'governance' : served[0]);
  if (pick === undefined || !served.includes(pick)) {
    throw new GongzhiError(
      'TX_UNKNOWN_GROUP',
      `the node does not serve group ${pick ?? '(none)'}; it serves: ${served.join(', ')} (pass --group)`,
      { group: pick ?? '', served: served.join(',') },
    );
  }
  return pick;
}

/** A client, the node's chain facts, the group, and a signer built from `--key`. */
export async function clientContext(o: ClientOpts) {
  const client = new GongzhiClient({ url: o.url ?? DEFAULT_URL });
  const info = await client.node();
  const group = chooseGroup(
    o.group,
    info.groups.map((g) => g.id),
  );
  const suite = getSuite(info.suite);
  let key: KeyPair | undefined;
  const signer = async (): Promise<KeyPair> => {
    if (!o.key) throw new GongzhiError('CONFIG_INVALID', '--key <keystore> is required for this command');
    key ??= await loadKey(o.key, o);
    return key;
  };
  /**
   * Sign, submit and wait for the commit of one call. A committed transaction whose receipt
   * failed is not a success: the response is printed (with `ok: false`) and TX_FAILED thrown, so
   * the command exits non-zero.
   */
  const send = async (module: string, method: string, args: CborMap): Promise<SubmitResponse> => {
    const k = await signer();
    const latest = await client.block(group, 'latest');
    const tx = buildTx({
      suite,
      secretKey: k.secretKey,
      chain: info.chain,
      group,
      module,
      method,
      args,
      validUntil: latest.height + 100,
    });
    const r = await client.submit(group, tx.bytes, { wait: 'commit' });
    const status = r.receipt?.status;
    if (status !== undefined && status !== 'ok') {
      printJson({ ok: false, ...r });
      const hint = await hintOf(status);
      throw new GongzhiError(
        'TX_FAILED',
        `${module}.${method} committed at block ${String(r.height)} but failed: ${status}${r.receipt?.message ? ` — ${r.receipt.message}` : ''}` +
          // The receipt's own code has the hint that helps; TX_FAILED's hint only says what happened.
          (hint === '' ? '' : ` (hint: ${hint})`),
        { tx: r.hash, status },
      );
    }
    return r;
  };
  return { client, info, group, suite, send, signer };
}
