#!/usr/bin/env node
// Entry point of the `wsbench` command: loads the TypeScript CLI through tsx so that no build
// step stands between a fresh clone and a run.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
