import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { toString as qrString, toFile } from 'qrcode';
import {
  issueJwtVc,
  issueSdJwtVc,
  joseAlg,
  presentSdJwtVc,
  type SigningKey,
  signCompact,
  statusListUrl,
  type VerificationResult,
} from '../../credentials/index.js';
import { fromHex } from '../../encoding/index.js';
import { GongzhiError } from '../../errors/index.js';
import { formatVerification } from '../../ledger/index.js';
import { formatDid, ISSUER_CATEGORIES, isExternalDid } from '../../modules/identity/index.js';
import { type ClientOpts, clientContext } from '../client-context.js';
import { action, DEFAULT_URL, int, loadKey, passwordOptions, printJson, readBytes } from '../util.js';

/**
 * `gongzhi did | issuer | schema | credential …`: the identity module and the credential flows
 * from the command line. Transactions are signed with `--key`; reads go to the node's query and
 * identity routes (`/1.0/identifiers/{did}`, `/v1/groups/{g}/credentials/verify`).
 */

type Common = ClientOpts & { url: string };

const common = (c: Command) =>
  passwordOptions(
    c
      .option('--group <id>', 'group', 'main')
      .option('--url <url>', 'node URL', DEFAULT_URL)
      .option('--key <file>', 'signer keystore'),
  );

/** Send one call and fail (exit 1, the receipt's message) unless it succeeded. */
async function send(
  o: Common,
  module: string,
  method: string,
  args: Parameters<Awaited<ReturnType<typeof clientContext>>['send']>[2],
) {
  const ctx = await clientContext(o);
  const r = await ctx.send(module, method, args);
  printJson(r);
  if (r.receipt !== undefined && r.receipt.status !== 'ok') process.exitCode = 1;
  return r;
}

/** The signer's DID id (its address) and DID. */
async function signerDid(o: Common): Promise<{ id: string; did: string; key: SigningKey }> {
  const ctx = await clientContext(o);
  const k = await ctx.signer();
  if (ctx.info.suite !== 'ed25519' && ctx.info.suite !== 'secp256k1') {
    throw new GongzhiError('IDENTITY_UNSUPPORTED_ALG', 'credentials need an ed25519 or secp256k1 chain');
  }
  const id = ctx.suite.address(k.publicKey);
  return { id, did: formatDid(ctx.info.chain, ctx.group, id), key: { type: ctx.info.suite, ...k } };
}

/** `--qr` (terminal) and `--qr-png FILE` for a credential or presentation. */
async function qr(text: string, o: { qr?: boolean; qrPng?: string }): Promise<void> {
  if (o.qr)
    process.stdout.write(await qrString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' }));
  if (o.qrPng) {
    await toFile(o.qrPng, text, { errorCorrectionLevel: 'L' });
    process.stderr.write(`QR code written to ${o.qrPng}\n`);
  }
}

const qrOpts = (c: Command) =>
  c.option('--qr', 'print a QR code in the terminal').option('--qr-png <file>', 'write a QR code PNG');

const idOf = (did: string): string => did.split(':').pop() ?? did;

async function getJson(url: string, init?: RequestInit): Promise<unknown> {
  const res = await fetch(url, init);
  const body = (await res.json()) as unknown;
  if (res.status >= 400) process.exitCode = 1;
  return body;
}

function registerDid(program: Command): void {
  const did = program.command('did').description('DIDs (did:gongzhi): create, resolve, update, deactivate');
  common(did.command('create').description('create the signer’s own DID (key-1 = its key)')).action(
    action(async (o: Common) => {
      const { did: d, key } = await signerDid(o);
      await send(o, 'identity', 'create', { publicKey: key.publicKey });
      process.stdout.write(`${d}\n`);
    }),
  );
  did
    .command('resolve <did>')
    .description('resolve a DID or DID URL (#fragment) through the node’s DID resolution route')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--version-id <n>', 'this version')
    .option('--version-time <dateTime>', 'the version in force at this XML dateTime')
    .option(
      '--fresh',
      'did:web: make the node revalidate the document it keeps (a removed key stops verifying)',
    )
    .action(
      action(
        async (d: string, o: { url: string; versionId?: string; versionTime?: string; fresh?: boolean }) => {
          const q = new URLSearchParams({
            ...(o.versionId ? { versionId: o.versionId } : {}),
            ...(o.versionTime ? { versionTime: o.versionTime } : {}),
          }).toString();
          printJson(
            await getJson(
              `${o.url}/1.0/identifiers/${encodeURIComponent(d)}${q ? `?${q}` : ''}`,
              o.fresh ? { headers: { 'cache-control': 'no-cache' } } : undefined,
            ),
          );
        },
      ),
    );
  common(
    did
      .command('update <did>')
      .description('change a DID the signer controls: add or revoke a key, replace services')
      .option('--add-key <hex>', 'public key to add (hex)')
      .option('--fragment <f>', 'fragment of the added key', 'key-2')
      .option('--purposes <list>', 'comma list: authentication,assertionMethod')
      .option('--revoke-key <fragment>', 'revoke this key')
      .option('--services <json>', 'replace the services: JSON [{fragment, type, endpoint}]'),
  ).action(
    action(
      async (
        d: string,
        o: Common & {
          addKey?: string;
          fragment: string;
          purposes?: string;
          revokeKey?: string;
          services?: string;
        },
      ) => {
        const id = idOf(d);
        if (o.addKey) {
          await send(o, 'identity', 'addKey', {
            id,
            fragment: o.fragment,
            publicKey: fromHex(o.addKey),
            ...(o.purposes ? { purposes: o.purposes.split(',') } : {}),
          });
        } else if (o.revokeKey) {
          await send(o, 'identity', 'revokeKey', { id, fragment: o.revokeKey });
        } else if (o.services) {
          await send(o, 'identity', 'setServices', { id, services: JSON.parse(o.services) });
        } else throw new GongzhiError('CONFIG_INVALID', 'give --add-key, --revoke-key or --services');
      },
    ),
  );
  common(
    did.command('deactivate <did>').description('deactivate a DID the signer controls, permanently'),
  ).action(
    action(async (d: string, o: Common) => {
      await send(o, 'identity', 'deactivate', { id: idOf(d) });
    }),
  );
}

function registerIssuer(program: Command): void {
  const iss = program.command('issuer').description('the issuer registry (the registrar role)');
  common(
    iss
      .command('recognise <did>')
      .alias('recognize')
      .description('recognise a DID (did:gongzhi, did:key, did:jwk, did:web) as an issuer of a category')
      .requiredOption('--category <c>', ISSUER_CATEGORIES.join(' | ')),
  ).action(
    action(async (d: string, o: Common & { category: string }) => {
      if (isExternalDid(d)) await send(o, 'identity', 'recognizeIssuer', { did: d, category: o.category });
      else await send(o, 'identity', 'recognizeIssuer', { id: idOf(d), category: o.category });
    }),
  );
  common(
    iss
      .command('status-list <name>')
      .description('create a status list (131 072 bits) of the signer’s DID')
      .option('--purpose <p>', 'revocation | suspension', 'revocation'),
  ).action(
    action(async (name: string, o: Common & { purpose: string }) => {
      const { id } = await signerDid(o);
      await send(o, 'identity', 'createStatusList', { issuer: id, list: name, purpose: o.purpose });
    }),
  );
  iss
    .command('list')
    .description('the issuers ever recognised in a category, and whether they are now')
    .requiredOption('--category <c>', ISSUER_CATEGORIES.join(' | '))
    .option('--group <id>', 'group', 'main')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (o: Common & { category: string }) => {
        const ctx = await clientContext(o);
        printJson(await ctx.client.query(ctx.group, 'identity', 'issuers', { category: o.category }));
      }),
    );
}

function registerSchema(program: Command): void {
  const sc = program.command('schema').description('credential schemas (CPT)');
  common(
    sc
      .command('register <file>')
      .description('register a JSON Schema (or a new version of one the signer’s DID owns)')
      .requiredOption('--id <n>', 'schema id', int)
      .requiredOption('--name <name>', 'name'),
  ).action(
    action(async (file: string, o: Common & { id: number; name: string }) => {
      const { id } = await signerDid(o);
      const text = new TextDecoder().decode(readBytes(file));
      await send(o, 'identity', 'registerSchema', { schemaId: o.id, issuer: id, name: o.name, schema: text });
    }),
  );
  sc.command('show <id>')
    .description('a schema, the latest version or --version')
    .option('--version <v>', 'version')
    .option('--group <id>', 'group', 'main')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .action(
      action(async (id: string, o: Common & { version?: string }) => {
        const ctx = await clientContext(o);
        printJson(
          await ctx.client.query(ctx.group, 'identity', 'schema', {
            schemaId: id,
            ...(o.version ? { version: o.version } : {}),
          }),
        );
      }),
    );
}

interface IssueOpts extends Common {
  schema: number;
  claims: string;
  holder: string;
  subject?: string;
  format: 'sd-jwt' | 'jwt';
  type: string;
  days: number;
  statusList?: string;
  statusIndex?: number;
  purpose: 'revocation' | 'suspension';
  fragment: string;
  out?: string;
  qr?: boolean;
  qrPng?: string;
}

function registerCredential(program: Command): void {
  const cr = program
    .command('credential')
    .description('issue, present, verify, revoke and suspend credentials');
  qrOpts(
    common(
      cr
        .command('issue')
        .description('issue an SD-JWT VC (default) or a VC-JWT signed with the issuer DID’s key')
        .requiredOption('--schema <id>', 'registered schema id (latest version)', int)
        .requiredOption('--claims <file>', 'claims JSON')
        .option('--holder <hex>', 'holder public key (hex) for key binding (SD-JWT VC)', '')
        .option('--subject <did>', 'credential subject DID')
        .option('--format <f>', 'sd-jwt | jwt', 'sd-jwt')
        .option('--type <t>', 'VC-JWT credential type', 'VerifiableCredential')
        .option('--days <n>', 'validity in days', int, 365)
        .option('--status-list <name>', 'status list of the issuer')
        .option('--status-index <n>', 'index in the status list', int)
        .option('--purpose <p>', 'revocation | suspension', 'revocation')
        .option('--fragment <f>', 'fragment of the issuer’s signing key', 'key-1')
        .option('--out <file>', 'write the credential here'),
    ),
  ).action(
    action(async (o: IssueOpts) => {
      const ctx = await clientContext(o);
      const { did, key } = await signerDid(o);
      const s = (await ctx.client.query(ctx.group, 'identity', 'schema', { schemaId: String(o.schema) })) as {
        version: number;
        schema: unknown;
      };
      const now = Math.floor(Date.now() / 1000);
      const status =
        o.statusList === undefined
          ? undefined
          : {
              list: o.statusList,
              index: o.statusIndex ?? 0,
              purpose: o.purpose,
              uri: statusListUrl(o.url, ctx.group, idOf(did), o.statusList),
            };
      const input = {
        issuer: { ...key, kid: `${did}#${o.fragment}` },
        subject: o.subject ?? did,
        schema: { schemaId: o.schema, version: s.version, schema: s.schema },
        vctPrefix: `did:gongzhi:${ctx.info.chain}:${ctx.group}`,
        claims: JSON.parse(readFileSync(o.claims, 'utf8')) as Record<string, unknown>,
        iat: now,
        exp: now + o.days * 86_400,
        ...(status === undefined ? {} : { status }),
      };
      let out: string;
      if (o.format === 'jwt') out = issueJwtVc({ ...input, type: o.type });
      else {
        if (o.holder === '')
          throw new GongzhiError('CONFIG_INVALID', '--holder <public key hex> is required');
        out = await issueSdJwtVc({ ...input, holder: { type: key.type, publicKey: fromHex(o.holder) } });
      }
      if (o.out) writeFileSync(o.out, `${out}\n`);
      else process.stdout.write(`${out}\n`);
      await qr(out, o);
    }),
  );
  qrOpts(
    common(
      cr
        .command('offer')
        .description(
          'make an OpenID4VCI credential offer on the node (it issues the SD-JWT VC to the wallet that redeems it)',
        )
        .requiredOption(
          '--configuration <id>',
          'credential_configuration_id (the node’s identity.credentialConfigurations)',
        )
        .requiredOption('--claims <file>', 'claims JSON')
        .option('--subject <did>', 'credential subject (default: did:jwk of the wallet’s key)')
        .option('--status-list <name>', 'status list of the issuer')
        .option('--status-index <n>', 'index in the status list', int)
        .option('--purpose <p>', 'revocation | suspension', 'revocation')
        .option('--tx-code <digits>', 'a transaction code the holder must type (given to her another way)')
        .option(
          '--grant <grant>',
          'pre-authorized_code, or authorization_code (the wallet then authorises with PKCE)',
          'pre-authorized_code',
        )
        .option('--fragment <f>', 'fragment of the issuer key signing the request', 'key-1'),
    ),
  ).action(
    action(
      async (
        o: Common & {
          configuration: string;
          claims: string;
          subject?: string;
          statusList?: string;
          statusIndex?: number;
          purpose: string;
          txCode?: string;
          grant: string;
          fragment: string;
          qr?: boolean;
          qrPng?: string;
        },
      ) => {
        const { did, key } = await signerDid(o);
        // The request is signed by the issuer DID's key: only the issuer makes the node sign in its name.
        const request = signCompact(
          key,
          { alg: joseAlg(key.type), kid: `${did}#${o.fragment}` },
          {
            iss: did,
            iat: Math.floor(Date.now() / 1000),
            credential_configuration_id: o.configuration,
            claims: JSON.parse(readFileSync(o.claims, 'utf8')) as Record<string, unknown>,
            ...(o.subject === undefined ? {} : { sub: o.subject }),
            ...(o.statusList === undefined
              ? {}
              : { status: { list: o.statusList, index: o.statusIndex ?? 0, purpose: o.purpose } }),
            ...(o.txCode === undefined ? {} : { tx_code: o.txCode }),
            // The node checks the value (IDENTITY_OID4VCI_BAD_OFFER_REQUEST for any other).
            ...(o.grant === 'pre-authorized_code' ? {} : { grant: o.grant }),
          },
        );
        const body = (await getJson(`${o.url.replace(/\/+$/, '')}/v1/openid4vci/offers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ request }),
        })) as { credential_offer_uri?: string };
        if (body.credential_offer_uri === undefined) {
          // The node's error (code, message, hint) as it answered; getJson set exit code 1.
          printJson(body);
          return;
        }
        process.stdout.write(`${body.credential_offer_uri}\n`);
        await qr(body.credential_offer_uri, o);
      },
    ),
  );
  qrOpts(
    passwordOptions(
      cr
        .command('present <file>')
        .description(
          'present an SD-JWT VC: disclose only some claims, bound to the verifier’s nonce and audience',
        )
        .requiredOption('--disclose <list>', 'comma list of claims to disclose')
        .requiredOption('--nonce <n>', 'the verifier’s nonce')
        .requiredOption('--aud <a>', 'the verifier (audience)')
        .requiredOption('--key <file>', 'holder keystore')
        .option('--out <file>', 'write the presentation here'),
    ),
  ).action(
    action(
      async (
        file: string,
        o: {
          disclose: string;
          nonce: string;
          aud: string;
          key: string;
          password?: string;
          passwordFile?: string;
          out?: string;
          qr?: boolean;
          qrPng?: string;
        },
      ) => {
        const k = await loadKey(o.key, o);
        const cred = readFileSync(file, 'utf8').trim();
        const type =
          JSON.parse(Buffer.from(cred.split('.')[0] ?? '', 'base64url').toString()).alg === 'ES256K'
            ? 'secp256k1'
            : 'ed25519';
        const vp = await presentSdJwtVc(
          cred,
          { type, ...k },
          {
            disclose: o.disclose.split(',').filter((x) => x !== ''),
            nonce: o.nonce,
            aud: o.aud,
            iat: Math.floor(Date.now() / 1000),
          },
        );
        if (o.out) writeFileSync(o.out, `${vp}\n`);
        else process.stdout.write(`${vp}\n`);
        await qr(vp, o);
      },
    ),
  );
  cr.command('verify <file>')
    .description('verify a presentation (or a VC-JWT) through the node’s verification route')
    .option('--group <id>', 'group', 'main')
    .option('--url <url>', 'node URL', DEFAULT_URL)
    .option('--disclose <list>', 'claims that must be disclosed', '')
    .option('--nonce <n>', 'the nonce asked for', '')
    .option('--aud <a>', 'the audience', '')
    .option('--category <c>', 'require a recognised issuer of this category')
    .option('--schema <id>', 'require this schema id', int)
    .option('--anchor', 'require the credential digest anchored')
    .option('--published', 'read status from the published lists, not the ledger')
    .option('--json', 'print the result as JSON')
    .action(
      action(
        async (
          file: string,
          o: Common & {
            disclose: string;
            nonce: string;
            aud: string;
            category?: string;
            schema?: number;
            anchor?: boolean;
            published?: boolean;
            json?: boolean;
          },
        ) => {
          const policy = {
            disclose: o.disclose.split(',').filter((x) => x !== ''),
            nonce: o.nonce,
            aud: o.aud,
            ...(o.category ? { category: o.category } : {}),
            ...(o.schema === undefined ? {} : { schemaId: o.schema }),
            ...(o.anchor ? { requireAnchor: true } : {}),
            ...(o.published ? { statusVia: 'published' } : {}),
          };
          const r = (await getJson(`${o.url}/v1/groups/${o.group}/credentials/verify`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ presentation: readFileSync(file, 'utf8').trim(), policy }),
          })) as VerificationResult;
          if (o.json || r.checks === undefined) printJson(r);
          else process.stdout.write(`${formatVerification(r).join('\n')}\n`);
          if (r.valid !== true) process.exitCode = 2;
        },
      ),
    );
  for (const [name, purpose] of [
    ['revoke', 'revocation'],
    ['suspend', 'suspension'],
  ] as const) {
    common(
      cr
        .command(name)
        .description(`set (or with --clear, clear) ${purpose} bits of the signer DID’s status list`)
        .requiredOption('--list <name>', 'status list')
        .requiredOption('--index <n...>', 'indexes')
        .option('--clear', 'clear the bits (lift a suspension)'),
    ).action(
      action(async (o: Common & { list: string; index: string[]; clear?: boolean }) => {
        const { id } = await signerDid(o);
        await send(o, 'identity', 'setStatus', {
          issuer: id,
          list: o.list,
          indexes: o.index.map((i) => int(i)),
          value: o.clear !== true,
        });
      }),
    );
  }
}

/** `gongzhi did | issuer | schema | credential`. */
export function registerIdentity(program: Command): void {
  registerDid(program);
  registerIssuer(program);
  registerSchema(program);
  registerCredential(program);
}
