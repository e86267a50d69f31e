#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, which is a runtime dependency.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
