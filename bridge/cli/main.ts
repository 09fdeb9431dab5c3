import { CommanderError } from 'commander';
import { InvalidValueError, TandemError } from '../../src/errors';
import { EXIT, flagMessage } from './errors';
import { errnoCode, reasonOf } from '../fs/errors';
import { exitOnSignals } from '../engine/profiles';
import { buildProgram } from './program';

const program = buildProgram();

async function main(argv: string[]): Promise<number> {
  // Ctrl-C or a kill during generate exits through process.exit, so the browser and its profile are
  // cleaned up; play and serve handle the signals themselves.
  exitOnSignals();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage; // commander already printed its one line
    }
    // One line; the exit code is the error class's (2 for bad input, 1 for a failure while working).
    if (err instanceof TandemError) {
      console.error(`tandem: ${err instanceof InvalidValueError ? flagMessage(err) : err.message}`);
      return err.exitCode;
    }
    if (errnoCode(err) && typeof (err as NodeJS.ErrnoException).path === 'string') {
      // A file-system error no check above caught: still one line with the path and the reason.
      const e = err as NodeJS.ErrnoException;
      console.error(`tandem: cannot ${e.syscall ?? 'use'} ${e.path}: ${reasonOf(e)}`);
      return EXIT.failure;
    }
    console.error(`tandem: unexpected error: ${(err as Error).stack ?? String(err)}`);
    return EXIT.failure;
  }
}

process.exitCode = await main(process.argv);
