import { fetchDelivery, ownerNodeKeys, placeVersion } from '../api/datashare-delivery.js';
import { startServer } from '../api/index.js';
import { toHex, utf8 } from '../encoding/index.js';
import { GongzhiError, isGongzhiError } from '../errors/index.js';
import type { DeliveryJson, RequestJson } from '../modules/datashare/index.js';
import { credentialAnswer } from './data-sharing-credential.js';
import type { Demo } from './demo.js';
import { IdentityNet } from './health-pass.js';
import { hierarchyScenario } from './reports-scenario.js';

/** The pseudonymised household register the police publish (no names: salted ID hashes only). */
function householdCsv(rows: number): Uint8Array {
  const lines = ['idHash,district,registeredOn'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `${toHex(utf8(`resident-${i}`)).slice(0, 16)},district-${(i % 3) + 1},2020-0${(i % 9) + 1}-15`,
    );
  }
  return utf8(`${lines.join('\n')}\n`);
}

/** The status of a transaction that is expected to fail, or 'ok'. */
async function statusOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isGongzhiError(e) ? e.code : String(e);
  }
}

/**
 * The government chain at city level: police, civil affairs and social security share data
 * through the catalogue (request, grant, encrypted delivery between nodes, access audit, a refused
 * delivery after revocation), answer a question instead of sharing records, and social-security
 * offices report district → city → province with a correction and an inclusion proof.
 */
export const dataSharingDemo: Demo = {
  name: 'data-sharing',
  description:
    'Government chain: data catalogue, grant, encrypted delivery, audit, revocation; yes/no and credential answers; district → city → province reports with a correction and a proof',
  async run(ctx) {
    const net = await IdentityNet.start(ctx, 'city-gov', {
      police: [],
      civil: [],
      social: [],
      'ss-district-1': [],
      'ss-district-2': [],
      'ss-city': [],
      'ss-province': [],
    });
    // The police department's node API: it serves the deliveries its department grants.
    const api = await startServer(net.node, { host: '127.0.0.1', port: 0 });
    const send = async (who: string, method: string, args: Parameters<IdentityNet['ok']>[3]) => {
      const r = await net.send(who, 'datashare', method, args);
      if (r.status !== 'ok') throw new GongzhiError(r.status as 'DATASHARE_NOT_FOUND', r.message ?? r.status);
      return r;
    };
    try {
      // 1. Catalogue: the police publish two entries; only digests and field names go on the ledger.
      await send('police', 'publish', {
        id: 'household-register',
        title: 'Household registration (pseudonymised)',
        owner: 'police',
        fields: [
          { name: 'idHash', type: 'string' },
          { name: 'district', type: 'string' },
          { name: 'registeredOn', type: 'date' },
        ],
        class: 'conditional',
        legalBasis: 'Household Registration Regulations, art. 3',
        frequency: 'daily',
      });
      await send('police', 'publish', {
        id: 'criminal-records',
        title: 'Criminal records',
        owner: 'police',
        fields: [
          { name: 'idHash', type: 'string' },
          { name: 'hasRecord', type: 'boolean' },
        ],
        class: 'not-shared',
        legalBasis: 'Criminal Procedure Law',
        frequency: 'daily',
      });
      const data = householdCsv(300);
      const digest = net.suite.hash(data);
      await send('police', 'addVersion', { dataset: 'household-register', digest, size: data.length });
      placeVersion(net.node.info().dataDir, 'main', 'household-register', 1, data);
      ctx.log(
        `police published household-register v1 (${data.length} bytes, digest ${toHex(digest).slice(0, 16)}…)`,
      );

      // 2. Requests: not-shared data is refused; a conditional dataset's fields are requested.
      const refusedRequest = await statusOf(
        send('civil', 'request', {
          dataset: 'criminal-records',
          dept: 'civil',
          fields: ['idHash', 'hasRecord'],
          purpose: 'adoption vetting',
          legalBasis: 'Adoption Law art. 6',
        }),
      );
      ctx.log(`civil affairs asked for criminal records: ${refusedRequest}`);
      await send('civil', 'request', {
        dataset: 'household-register',
        dept: 'civil',
        fields: ['idHash', 'district'],
        purpose: 'marriage registration: residence check without sending the couple back to the police',
        legalBasis: 'Marriage Registration Regulations art. 5',
      });
      const grantByNonOwner = await statusOf(
        send('social', 'grant', {
          request: 1,
          expiresAt: net.node.group('main').latest.header.timestamp + 3_600_000,
        }),
      );
      ctx.log(`social security tried to grant the police's dataset: ${grantByNonOwner}`);
      await send('police', 'grant', {
        request: 1,
        expiresAt: net.node.group('main').latest.header.timestamp + 3_600_000,
        maxDeliveries: 5,
      });
      ctx.log('police granted request 1 (1 h, at most 5 deliveries)');

      // 3. Delivery: logged on the ledger first, then served encrypted by the police node.
      await send('civil', 'deliver', { request: 1, version: 1 });
      const rec = net.group.query('datashare', 'delivery', { delivery: '1' }) as DeliveryJson;
      const ownerNodes = ownerNodeKeys(
        net.group.query('governance', 'nodes', {}) as { org: string; publicKey: string }[],
        'police',
      );
      const got = await fetchDelivery({
        url: api.url,
        group: 'main',
        suite: net.suite,
        key: net.key('civil'),
        delivery: rec,
        ownerNodes,
      });
      const digestOk = toHex(net.suite.hash(got)) === toHex(digest);
      const mismatch = await statusOf(
        send('civil', 'confirm', { delivery: 1, digest: net.suite.hash(utf8('x')) }),
      );
      await send('civil', 'confirm', { delivery: 1, digest: net.suite.hash(got) });
      ctx.log(
        `civil affairs received ${got.length} bytes over HTTP, encrypted to its key; digest matches catalogue: ${digestOk}`,
      );
      const replay = await statusOf(
        fetchDelivery({
          url: api.url,
          group: 'main',
          suite: net.suite,
          key: net.key('civil'),
          delivery: rec,
          ownerNodes,
        }),
      );
      const stranger = await statusOf(
        fetchDelivery({
          url: api.url,
          group: 'main',
          suite: net.suite,
          key: net.key('social'),
          delivery: rec,
          ownerNodes,
        }),
      );
      ctx.log(
        `confirming with a wrong digest: ${mismatch}; the same delivery again: ${replay}; social security asking for it: ${stranger}`,
      );

      // 4. Revocation: a later delivery is refused on the ledger, so nothing is served.
      await send('police', 'revoke', { request: 1, reason: 'registration completed' });
      const afterRevoke = await statusOf(send('civil', 'deliver', { request: 1, version: 1 }));
      ctx.log(`police revoked the grant; civil affairs' next delivery: ${afterRevoke}`);

      // 5. Answers instead of data: a yes/no on a not-shared dataset, signed, its digest logged.
      const subject = toHex(net.suite.hash(utf8('salt|resident-7'))).slice(0, 32);
      await send('social', 'request', {
        dataset: 'criminal-records',
        dept: 'social',
        kind: 'answer',
        fields: ['hasRecord'],
        purpose: 'community-service placement',
        legalBasis: 'Social Assistance Measures art. 12',
        question: `Does subject ${subject} have a criminal record?`,
      });
      const statement = utf8(JSON.stringify({ request: 2, subject, answer: 'no', by: 'police' }));
      const statementSig = net.suite.sign(net.key('police').secretKey, net.suite.hash(statement));
      await send('police', 'answer', { request: 2, digest: net.suite.hash(statement) });
      const answerRec = net.group.query('datashare', 'delivery', { delivery: '2' }) as DeliveryJson;
      const answerOk =
        answerRec.digest === toHex(net.suite.hash(statement)) &&
        net.suite.verify(net.key('police').publicKey, net.suite.hash(statement), statementSig) &&
        answerRec.account === net.id('police');
      ctx.log(
        `police answered "no" without sharing records; social security verified it against the ledger: ${answerOk}`,
      );

      // 5b. …or a verifiable credential: residence proved at the civil-affairs office without
      // sending the citizen back to her police station, and without a register record moving.
      await send('civil', 'request', {
        dataset: 'household-register',
        dept: 'civil',
        kind: 'answer',
        fields: ['district'],
        purpose: 'marriage registration: proof of household registration',
        legalBasis: 'Marriage Registration Regulations art. 5',
        question: 'Is the applicant (her own DID) registered, and in which district?',
      });
      const vc = await credentialAnswer(net, ctx, 3);

      const audit = net.group.query('datashare', 'audit', { dept: 'police' }) as {
        total: number;
        deliveries: DeliveryJson[];
      };
      for (const d of audit.deliveries) {
        ctx.log(
          `  audit: #${d.id} ${d.dataset} v${d.version} → ${d.grantee} at block ${d.height}${d.confirmed ? ' (confirmed)' : ''}`,
        );
      }
      const req1 = net.group.query('datashare', 'request', { request: '1' }) as RequestJson;

      // 6. Y: district → city → province aggregation with one correction and an inclusion proof.
      const y = await hierarchyScenario(net, ctx);
      return {
        refusedRequest,
        grantByNonOwner,
        delivered: got.length,
        digestOk,
        replay,
        stranger,
        mismatch,
        afterRevoke,
        requestStatus: req1.status,
        answerOk,
        ...vc,
        auditTotal: audit.total,
        ...y,
      };
    } finally {
      await api.close();
      await net.stop();
    }
  },
};
