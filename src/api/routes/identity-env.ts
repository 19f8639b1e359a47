/**
 * What the identity route plugins share: the node's identity options, the public base URL, one
 * verifier read cache per group, and the options every verification runs with (published status
 * lists and other DID methods fetched only from allowed hosts).
 */
import type { FastifyRequest } from 'fastify';
import {
  type DidDocument,
  DidWebCache,
  deepFreeze,
  fetchAllowed,
  fetchDidWeb,
  HeadMemo,
  type ResolverEnv,
  resolveDid,
  StatusFetchCache,
  type VerifierPolicy,
  type VerifyOptions,
} from '../../credentials/index.js';
import { GongzhiError } from '../../errors/index.js';
import type { GongzhiNode } from '../../node/gongzhi-node.js';

/** The URL outsiders reach the node at: the configured public URL, else the one the request came to. */
export function baseUrl(node: GongzhiNode, req: FastifyRequest): string {
  return (
    node.opts.identity?.publicUrl?.replace(/\/+$/, '') ??
    `${req.protocol}://${req.headers.host ?? 'localhost'}`
  );
}

export interface IdentityEnv {
  readonly resolver: ResolverEnv;
  /**
   * As `resolver`, but a kept did:web document is revalidated first, fresh or not: a request with
   * `Cache-Control: no-cache` (`gongzhi did resolve --fresh`). What it gets is kept for the
   * verifications after it, so a key the issuer removed stops verifying at once.
   */
  readonly freshResolver: ResolverEnv;
  readonly fetchPolicy: { readonly allowHosts?: readonly string[]; readonly ca?: string };
  /** The group's ledger behind a read cache emptied when its head moves (src/credentials/head-memo.ts). */
  readonly reader: (group: string) => HeadMemo;
  /** The node's policy defaults (kbMaxAge, clockSkew) under the caller's policy. */
  readonly policy: (p: VerifierPolicy) => VerifierPolicy;
  readonly verifyOptions: (statusVia?: 'ledger' | 'published') => VerifyOptions;
}

/** One per node, so the identity and OpenID route plugins share its caches (did:web documents, lists). */
const envs = new WeakMap<GongzhiNode, IdentityEnv>();

export function identityEnv(node: GongzhiNode): IdentityEnv {
  let env = envs.get(node);
  if (env === undefined) {
    env = buildIdentityEnv(node);
    envs.set(node, env);
  }
  return env;
}

function buildIdentityEnv(node: GongzhiNode): IdentityEnv {
  const opts = node.opts.identity ?? {};
  const fetchPolicy = {
    ...(opts.allowHosts ? { allowHosts: opts.allowHosts } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
  };
  // One for the node: did:web documents kept for their HTTP freshness, capped by the config.
  const webDocs = new DidWebCache((did, v) => fetchDidWeb(did, fetchPolicy, v), {
    ...(opts.didWebMaxAgeSeconds === undefined ? {} : { maxAgeSeconds: opts.didWebMaxAgeSeconds }),
  });
  const resolver: ResolverEnv = {
    ...fetchPolicy,
    didWeb: webDocs.resolve,
    gongzhi: (chain, group) => {
      if (!node.groupIds().includes(group)) return undefined;
      const g = node.group(group);
      return g.chain === chain ? g : undefined;
    },
  };
  const freshResolver: ResolverEnv = { ...resolver, didWeb: webDocs.revalidate };
  const memos = new Map<string, HeadMemo>();
  // One for the node: published lists are kept for the ttl they state, across requests.
  const lists = new StatusFetchCache((uri, accept) => fetchAllowed(fetchPolicy, uri, accept));
  // did:key and did:jwk documents are a function of the DID's text (one eternal version), so
  // each is built once; did:web documents live in webDocs.
  const localDocs = new Map<string, DidDocument>();
  return {
    resolver,
    freshResolver,
    fetchPolicy,
    reader: (group) => {
      let m = memos.get(group);
      if (m === undefined) {
        const g = node.group(group);
        m = new HeadMemo(g, () => g.latest);
        memos.set(group, m);
      }
      return m;
    },
    policy: (p) => ({
      ...(opts.kbMaxAge === undefined ? {} : { kbMaxAge: opts.kbMaxAge }),
      ...(opts.clockSkew === undefined ? {} : { clockSkew: opts.clockSkew }),
      ...p,
    }),
    verifyOptions: (statusVia) => ({
      fetchStatus: lists.fetchStatus,
      // Issuers of other methods: did:key / did:jwk locally, did:web from allowed hosts only.
      resolveDid: async (did) => {
        const local = /^did:(key|jwk):[^?#]+$/.test(did);
        const kept = local ? localDocs.get(did) : undefined;
        if (kept !== undefined) return kept;
        const r = await resolveDid(did, resolver);
        const m = r.result.didResolutionMetadata;
        if (r.result.didDocument === null) {
          throw new GongzhiError(m.code ?? 'IDENTITY_NOT_FOUND', m.detail ?? m.error ?? 'notFound');
        }
        if (local) {
          if (localDocs.size >= 1024) localDocs.clear();
          localDocs.set(did, deepFreeze(r.result.didDocument));
        }
        return r.result.didDocument;
      },
      // A key the kept did:web document lacks: the issuer may have rotated since it was fetched.
      refreshDid: (did) => (did.startsWith('did:web:') ? webDocs.refresh(did) : Promise.resolve(undefined)),
      ...(statusVia === undefined ? {} : { statusVia }),
    }),
  };
}
