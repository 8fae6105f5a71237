#!/usr/bin/env node
// @module Runs Bun (scripts/bun.mjs) with CAIRN_TEST_CODEC=aead: every test that builds its engine through
// test/helpers/engine.ts then runs on a store encrypted at rest, so the suite checks the codec contract on
// every write and read path. Set here rather than in the npm script, so the command works on every shell.
process.env.CAIRN_TEST_CODEC = "aead";
await import("./bun.mjs");
