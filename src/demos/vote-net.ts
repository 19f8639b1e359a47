import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GongzhiError } from '../errors/index.js';
import type { CborMap, Receipt } from '../ledger/index.js';
import { formatVerification } from '../ledger/index.js';
import { type ElectionRecord, recordFromJson, verifyElectionRecord } from '../modules/voting/index.js';
import type { DemoContext } from './demo.js';
import { IdentityNet } from './health-pass.js';

/**
 * The voting demos' consortium: a one-node in-process ledger whose organisations are the housing
 * bureau (the registrar), the street office and the arbitration committee. Votes and ballots are
 * carried by a fresh relay account each time, so no ledger account links a ballot to a resident.
 */
export class VoteNet {
  private constructor(
    readonly net: IdentityNet,
    private readonly ctx: DemoContext,
  ) {}

  static async start(ctx: DemoContext, orgs: Readonly<Record<string, readonly string[]>>): Promise<VoteNet> {
    return new VoteNet(await IdentityNet.start(ctx, 'community', orgs), ctx);
  }

  address(who: string): string {
    return this.net.id(who);
  }

  ok(who: string, method: string, args: CborMap): Promise<Receipt> {
    return this.net.ok(who, 'voting', method, args);
  }

  /** Submit through a one-off relay account; returns the receipt (ok or its code). */
  relay(method: string, args: CborMap): Promise<Receipt> {
    return this.net.send(`relay-${randomBytes(6).toString('hex')}`, 'voting', method, args);
  }

  /**
   * Submit through a relay expecting the node to refuse it at admission: the refusal's code
   * (nothing entered a block), or `admitted: <receipt status>` if it got in.
   */
  async refusedCode(method: string, args: CborMap): Promise<string> {
    try {
      return `admitted: ${(await this.relay(method, args)).status}`;
    } catch (e) {
      if (e instanceof GongzhiError) return e.code;
      throw e;
    }
  }

  record(id: string): ElectionRecord {
    return recordFromJson(this.net.group.query('voting', 'record', { election: id }));
  }

  /** Verify the record offline, print the checks, and keep it as `<dataDir>/<id>.record.json`. */
  verify(id: string): { valid: boolean; errors: readonly string[]; file: string } {
    const json = this.net.group.query('voting', 'record', { election: id });
    const file = join(this.ctx.dataDir, `${id}.record.json`);
    writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`);
    const v = verifyElectionRecord(recordFromJson(json));
    for (const line of formatVerification(v)) this.ctx.log(`  ${line}`);
    return { valid: v.valid, errors: v.errors, file };
  }

  stop(): Promise<void> {
    return this.net.stop();
  }
}

/** A fresh 32-byte seed (client-side randomness: credentials, ballots, trustee keys). */
export const freshSeed = (): Uint8Array => new Uint8Array(randomBytes(32));
