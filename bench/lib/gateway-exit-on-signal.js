'use strict';
/**
 * Preloaded (`node -r`) into the gateway only for `--cpu-prof` runs. Nest's shutdown hook ends by
 * re-raising SIGTERM at itself, and a process killed by a signal never writes its --cpu-prof
 * file. This listener turns that second SIGTERM (or a shutdown that hangs) into process.exit(0).
 */
let received = 0;
process.on('SIGTERM', () => {
  received++;
  if (received >= 2) process.exit(0);
  setTimeout(() => process.exit(0), 4000).unref();
});
