// Loaded with `node --require` by bench/startup.ts before the CLI it times: prints the process's
// own CPU time (user + system, every thread) at its exit, on stderr, for the bench to read beside
// the wall clock, which a loaded machine distorts far more.
'use strict';
process.on('exit', () => {
  const u = process.cpuUsage();
  process.stderr.write(`tandem-bench-cpu-ms ${((u.user + u.system) / 1000).toFixed(1)}\n`);
});
