import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, PageScriptError } from '../../bridge/engine/engine';
import { fromPageError, toPageError } from '../../bridge/engine/page/errors';
import type { PageError } from '../../bridge/engine/page/protocol';
import { InvalidValueError, TandemError } from '../../src/errors';

/** Page -> JSON (what puppeteer's evaluate carries) -> Node. */
const across = (err: unknown): Error => fromPageError(JSON.parse(JSON.stringify(toPageError(err))) as PageError);

describe('errors crossing from the Chromium page', () => {
  it('arrive as their own class with their fields, recognised by class, not by words in the message', () => {
    const b = across(new BackendUnavailableError('webgpu', 'no navigator.gpu'));
    expect(b).toBeInstanceOf(BackendUnavailableError);
    expect(b).toMatchObject({ backend: 'webgpu', reason: 'no navigator.gpu' });
    // A reworded message changes nothing: the class is carried, not guessed from text.
    const reworded: PageError = {
      name: 'BackendUnavailableError',
      message: 'something else entirely',
      tandem: true,
      kind: 'BackendUnavailableError',
      backend: 'any',
      reason: 'nothing started',
    };
    expect(fromPageError(reworded)).toBeInstanceOf(BackendUnavailableError);

    const v = across(new InvalidValueError('density', 7, 'a number in 0..1'));
    expect(v).toBeInstanceOf(InvalidValueError);
    expect(v).toMatchObject({ field: 'density', value: 7, allowed: 'a number in 0..1' });
    expect(v.message).toBe('density must be a number in 0..1, got 7');
  });

  it('a deliberate error of another class stays a TandemError; anything else is a crash of the page script', () => {
    const t = across(new TandemError('drum model genres differ from the code'));
    expect(t).toBeInstanceOf(TandemError);
    expect(t).not.toBeInstanceOf(PageScriptError);
    const crash = across(new TypeError('x is undefined'));
    expect(crash).toBeInstanceOf(PageScriptError);
    expect(crash).toMatchObject({ pageErrorName: 'TypeError', reason: 'x is undefined' });
    // Even a crash whose words look like a backend failure is not taken for one.
    expect(across(new Error('backend webgl is unavailable: lost context'))).toBeInstanceOf(PageScriptError);
    expect(across('a thrown string')).toBeInstanceOf(PageScriptError);
  });
});
