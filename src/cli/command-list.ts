import type { CommandFile } from './program.js';

/**
 * Every command file, in `gongzhi --help` order, with the top-level commands it registers. A file
 * is imported only when one of its commands runs (or its help is asked for), so `heads` repeats
 * each command's help line and description; test/unit/cli-lazy-commands.test.ts fails when they
 * drift from the file. A new command file is one entry here.
 */
export const COMMAND_FILES: readonly CommandFile[] = [
  {
    heads: [
      {
        term: 'init [options] <dir>',
        description:
          'create a consortium: genesis per group, org keystores, node configs (<dir> must be new or empty)',
      },
    ],
    load: async () => (await import('./commands/init.js')).registerInit,
  },
  {
    heads: [
      { term: 'start [options]', description: 'start a node (the built-in demo consortium with --demo)' },
    ],
    load: async () => (await import('./commands/start.js')).registerStart,
  },
  {
    heads: [{ term: 'status [options]', description: 'show a running node: identity, groups, heights' }],
    load: async () => (await import('./commands/status.js')).registerStatus,
  },
  {
    heads: [{ term: 'key', description: 'create and inspect keys' }],
    load: async () => (await import('./commands/key.js')).registerKey,
  },
  {
    heads: [{ term: 'tx', description: 'send and inspect transactions' }],
    load: async () => (await import('./commands/tx.js')).registerTx,
  },
  {
    heads: [
      {
        term: 'modules [options] [name]',
        description: 'list the ledger modules: their methods (with default roles) and queries',
      },
      {
        term: 'query [options] <module> <name> [params...]',
        description: 'run a module query on a node, e.g. `gongzhi query evidence get digest=<hex>`',
      },
      {
        term: 'errors [options] [code]',
        description: 'the error code table: every code with its HTTP status, owner and hint (or one code)',
      },
    ],
    load: async () => (await import('./commands/modules.js')).registerModules,
  },
  {
    heads: [{ term: 'block', description: 'inspect blocks' }],
    load: async () => (await import('./commands/block.js')).registerBlock,
  },
  {
    heads: [{ term: 'evidence', description: 'notarise files: anchor digests, batch proofs, certificates' }],
    load: async () => (await import('./commands/evidence.js')).registerEvidence,
  },
  {
    heads: [{ term: 'governance', description: 'committee proposals and votes' }],
    load: async () => (await import('./commands/governance.js')).registerGovernance,
  },
  {
    heads: [{ term: 'chain', description: 'offline checks of a node data directory' }],
    load: async () => (await import('./commands/chain.js')).registerChain,
  },
  {
    heads: [
      {
        term: 'demo [options] [name]',
        description: 'run a scenario end to end, printing its steps (no name: list them)',
      },
    ],
    load: async () => (await import('./commands/demo.js')).registerDemo,
  },
  {
    heads: [
      {
        term: 'network',
        description: 'a consortium network: NATS JetStream cluster (TLS, per-org users) and one node per org',
      },
    ],
    load: async () => (await import('./commands/network.js')).registerNetwork,
  },
  {
    heads: [
      {
        term: 'trace',
        description:
          'traceability: EPCIS 2.0 event hashes (CBV 2.0), recording, resolving, GS1 Digital Link QR codes',
      },
    ],
    load: async () => (await import('./commands/trace.js')).registerTrace,
  },
  {
    heads: [{ term: 'vote', description: 'community voting: resolutions and secret elections' }],
    load: async () => (await import('./commands/vote.js')).registerVote,
  },
  {
    heads: [
      {
        term: 'data',
        description: 'Cross-department data sharing (catalogue, grants, delivery, answers, audit)',
      },
    ],
    load: async () => (await import('./commands/data.js')).registerData,
  },
  {
    heads: [{ term: 'report', description: 'Hierarchical reports: offices, submit, aggregate, prove' }],
    load: async () => (await import('./commands/report.js')).registerReport,
  },
  {
    heads: [
      { term: 'fund', description: 'community funds and charity funds: expenses, books, statements' },
      { term: 'donation', description: 'charity donations' },
    ],
    load: async () => (await import('./commands/fund.js')).registerFund,
  },
  {
    heads: [
      { term: 'did', description: 'DIDs (did:gongzhi): create, resolve, update, deactivate' },
      { term: 'issuer', description: 'the issuer registry (the registrar role)' },
      { term: 'schema', description: 'credential schemas (CPT)' },
      { term: 'credential', description: 'issue, present, verify, revoke and suspend credentials' },
    ],
    load: async () => (await import('./commands/identity.js')).registerIdentity,
  },
  {
    heads: [
      {
        term: 'points',
        description: 'Shandu points: programmes, members, awards, redemptions, sponsors, settlement',
      },
    ],
    load: async () => (await import('./commands/points.js')).registerPoints,
  },
];
