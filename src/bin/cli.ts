#!/usr/bin/env node
/** `batchcode`: the command line (src/cli), with this process's arguments, environment and streams. */
import { runCli } from '../cli/index.js';

const { stdin, stdout, stderr } = process;
runCli(process.argv, process.env, { stdin, stdout, stderr }).then((code) => {
  // serve and worker (-1) keep running until a signal ends them.
  if (code >= 0) process.exitCode = code;
});
