#!/usr/bin/env node
import { COMMAND_FILES } from './command-list.js';
import { createProgram, invokedCommand, registerCommands } from './program.js';

// Only the invoked command's file is imported (./program.ts says why); add commands in ./command-list.ts.
const program = createProgram();
await registerCommands(program, COMMAND_FILES, invokedCommand(process.argv.slice(2)));
await program.parseAsync(process.argv);
