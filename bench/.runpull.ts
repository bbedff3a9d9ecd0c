const m = await import('/work/wt-connectors-web/bench/pull.ts');
await m.run(process.argv.slice(2));
process.exit(process.exitCode ?? 0);
