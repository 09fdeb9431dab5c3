import { describe, expect, it } from 'vitest';
import { PanelMessageError, parsePanelMessage, REF_PATTERN } from '../../../bridge/panel/protocol';
import { parsePanelPort } from '../../../bridge/panel/port';
import { InvalidValueError } from '../../../src/errors';

describe('panel messages', () => {
  it('reads each command into a typed value', () => {
    expect(parsePanelMessage('{"type":"set","control":"density","value":0.7}')).toEqual({ type: 'set', control: 'density', value: 0.7 });
    expect(parsePanelMessage('{"type":"set","control":"model","value":"bass"}')).toEqual({ type: 'set', control: 'model', value: 'bass' });
    expect(parsePanelMessage('{"type":"follow","on":true}')).toEqual({ type: 'follow', on: true });
    expect(parsePanelMessage('{"type":"generate"}')).toEqual({ type: 'generate' });
    expect(parsePanelMessage('{"type":"keep","ref":"2026-01-01T10-00-00/0001-drums-gru-rock-d0.5-s0.mid"}')).toMatchObject({ type: 'keep' });
  });

  it("refuses what is not a command, saying what is allowed (ranges are the controller's)", () => {
    const bad: Array<[string, RegExp]> = [
      ['{oops', /not JSON/],
      ['null', /not an object/],
      ['[]', /not an object/],
      ['{"type":"delete"}', /unknown type "delete" \(known: set, follow, generate, keep, load\)/],
      ['{"type":"set","control":"volume","value":1}', /control must be one of model, style, density/],
      ['{"type":"set","control":"__proto__","value":1}', /control must be one of/],
      ['{"type":"set","control":"density","value":null}', /value must be a number or a text/],
      ['{"type":"set","control":"density","value":{"a":1}}', /value must be a number or a text/],
      ['{"type":"follow","on":"yes"}', /on must be true or false/],
      ['{"type":"load","ref":"../secret.mid"}', /ref must name a saved suggestion/],
      ['{"type":"load","ref":"a/b/c.mid"}', /ref must name a saved suggestion/],
      ['{"type":"load","ref":"s/.hidden.mid"}', /ref must name a saved suggestion/],
      ['{"type":"load","ref":"s/x.txt"}', /ref must name a saved suggestion/],
    ];
    for (const [text, want] of bad) {
      let err: unknown;
      try {
        parsePanelMessage(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(PanelMessageError);
      expect((err as Error).message, text).toMatch(want);
    }
    // An echo of a long value is cut short.
    expect(() => parsePanelMessage(`{"type":${JSON.stringify('x'.repeat(5000))}}`)).toThrow(/\.\.\. \(known/);
  });

  it('references are two plain names', () => {
    expect(REF_PATTERN.test('2026-11-29T17-36-32/0004-drums-ngram-rock-d0.5-s3.mid')).toBe(true);
    expect(REF_PATTERN.test('2026-11-29T17-36-32-2/0004-bass-ngram-any-d1-s4294967295.mid')).toBe(true);
    expect(REF_PATTERN.test('/etc/x.mid')).toBe(false);
    expect(REF_PATTERN.test('..\\x/y.mid')).toBe(false);
  });

  it('checks the port flag', () => {
    expect(parsePanelPort('0')).toBe(0);
    expect(parsePanelPort('7355')).toBe(7355);
    for (const v of ['80', '70000', 'x', '1.5', '']) expect(() => parsePanelPort(v), v).toThrow(InvalidValueError);
  });
});
