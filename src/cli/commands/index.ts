// Each subcommand registers itself on the program; add one by adding a file and a line here.
import type { Command } from 'commander';
import { registerRun } from './run.js';
import { registerCheck } from './check.js';
import { registerExperiment } from './experiment.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerRun, registerCheck, registerExperiment];
