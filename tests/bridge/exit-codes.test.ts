import { describe, expect, it } from 'vitest';
import { UsageError } from '../../bridge/cli/errors';
import { EngineTimeoutError } from '../../bridge/engine/engine';
import { FileAccessError } from '../../bridge/fs/errors';
import { MidiUnavailableError } from '../../bridge/midi/port';
import { PresetError } from '../../bridge/presets';
import { RequestTimeoutError } from '../../bridge/session/controller';
import { InvalidValueError, MidiFileError, TandemError } from '../../src/errors';

describe('exit codes come from the error class', () => {
  it('2 for what the user gave (a value, a file, a preset), 1 for failures while working', () => {
    expect(new InvalidValueError('bars', 0, 'a whole number').exitCode).toBe(2);
    expect(new MidiFileError('x.mid', 'broken').exitCode).toBe(2);
    expect(new PresetError('p.json', 'genre', 'bad').exitCode).toBe(2);
    expect(new UsageError('bad').exitCode).toBe(2);
    expect(new FileAccessError('/d', 'read', 'is a folder', true).exitCode).toBe(2);
    expect(new FileAccessError('/f', 'write', 'no space left', false).exitCode).toBe(1);
    expect(new MidiUnavailableError('Tandem Out', 'no ALSA sequencer').exitCode).toBe(1);
    expect(new EngineTimeoutError('generate', 1000).exitCode).toBe(1);
    expect(new RequestTimeoutError(3, 1000).exitCode).toBe(1);
    expect(new TandemError('x').exitCode).toBe(1);
  });
});
