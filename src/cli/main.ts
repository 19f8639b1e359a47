#!/usr/bin/env node
import { Command } from 'commander';
import { registerBlock } from './commands/block.js';
import { registerChain } from './commands/chain.js';
import { registerData } from './commands/data.js';
import { registerDemo } from './commands/demo.js';
import { registerEvidence } from './commands/evidence.js';
import { registerFund } from './commands/fund.js';
import { registerGovernance } from './commands/governance.js';
import { registerIdentity } from './commands/identity.js';
import { registerInit } from './commands/init.js';
import { registerKey } from './commands/key.js';
import { registerModules } from './commands/modules.js';
import { registerNetwork } from './commands/network.js';
import { registerPoints } from './commands/points.js';
import { registerReport } from './commands/report.js';
import { registerStart } from './commands/start.js';
import { registerStatus } from './commands/status.js';
import { registerTrace } from './commands/trace.js';
import { registerTx } from './commands/tx.js';
import { registerVote } from './commands/vote.js';

const program = new Command();
program
  .name('gongzhi')
  .description('Gongzhi (共治): a consortium ledger for multi-party social governance')
  .version('0.1.0')
  .showHelpAfterError();

registerInit(program);
registerStart(program);
registerStatus(program);
registerKey(program);
registerTx(program);
registerModules(program);
registerBlock(program);
registerEvidence(program);
registerGovernance(program);
registerChain(program);
registerDemo(program);
registerNetwork(program);
registerTrace(program);
registerVote(program);
registerData(program);
registerReport(program);
registerFund(program);
registerIdentity(program);
registerPoints(program);

await program.parseAsync(process.argv);
