/** Every route plugin of the node API, one per resource. */
import type { FastifyPluginAsync } from 'fastify';
import { blockRoutes } from './blocks.js';
import type { RouteContext } from './context.js';
import { datashareRoutes } from './datashare.js';
import { docsRoutes } from './docs.js';
import { eventRoutes } from './events.js';
import { evidenceRoutes } from './evidence.js';
import { fundsRoutes } from './funds.js';
import { identityOpenIdRoutes } from './identity-openid.js';
import { nodeRoutes } from './node.js';
import { queryRoutes } from './query.js';
import { syncRoutes } from './sync.js';
import { txBodyRoutes } from './tx-bodies.js';
import { txRoutes } from './txs.js';

export type { RouteContext } from './context.js';

export const ROUTES: readonly FastifyPluginAsync<RouteContext>[] = [
  nodeRoutes,
  docsRoutes,
  txRoutes,
  syncRoutes,
  blockRoutes,
  queryRoutes,
  evidenceRoutes,
  eventRoutes,
  datashareRoutes,
  fundsRoutes,
  identityOpenIdRoutes,
  txBodyRoutes,
];
