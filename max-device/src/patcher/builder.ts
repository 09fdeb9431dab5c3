import { TandemError } from '../../../src/errors';
import type { ParamSpec } from '../parameters';
import { BUILD_MAX_VERSION, expectedIo, type ObjectIo } from './objects';
import type { Box, PatchLine, Patcher, Rect } from './types';

/** A patch that cannot be built: a line to an outlet or inlet the object does not have, an unknown object. */
export class PatchBuildError extends TandemError {}

/** Device types as Max's project block stores them: the four ASCII bytes read as a big-endian u32. */
export const AMXD_TYPE_CODES = Object.freeze({ mmmm: 0x6d6d6d6d, aaaa: 0x61616161, iiii: 0x69696969, nagg: 0x6e616767, natt: 0x6e617474 });

/** A MIDI Tool's panel in Live's clip view (Generate / Transform): what Max's templates open at, [width, height]. */
export const MIDI_TOOL_FACE = Object.freeze([152, 147] as const);

/** Live's Parameter Visibility values (`parameter_invisible`): 0 automated and stored, 1 stored only, 2 hidden. */
export const PARAMETER_INVISIBLE = Object.freeze({ automated: 0, storedOnly: 1, hidden: 2 });

/** Live's device height in pixels: every presentation box must fit inside it. */
export const DEVICE_HEIGHT = 169;

/** A box in the patch under construction; lines are made from its outlets and inlets. */
export interface BoxRef {
  readonly id: string;
  readonly box: Box;
  readonly io: ObjectIo;
}

/** Where a control sits on the device face, and how big it is. */
export type Face = Rect;

/**
 * Builds a patcher with typed boxes: every object's inlet and outlet counts come from the
 * table in objects.ts, and `connect` refuses a line the objects cannot take, so a bad patch
 * fails at build time, not when Live loads it.
 */
export class PatchBuilder {
  private readonly boxes: Box[] = [];
  private readonly lines: PatchLine[] = [];
  private next = 1;

  /**
   * A text object (`route status ready`, `node.script tandem-client.js @autostart 1`). `io`
   * gives the counts of a `js` box whose script sets `inlets`/`outlets` (the checker compares
   * them with the script).
   */
  obj(text: string, at: [number, number], extra: Partial<Box> = {}, io?: { inlets: number; outlets: number }): BoxRef {
    return this.add({ maxclass: 'newobj', text, patching_rect: [at[0], at[1], Math.max(40, 7 * text.length + 10), 22], ...extra }, io);
  }

  /** A message box; its right inlet sets the text without sending it. */
  message(text: string, at: [number, number]): BoxRef {
    return this.add({ maxclass: 'message', text, patching_rect: [at[0], at[1], Math.max(30, 7 * text.length + 12), 22] });
  }

  /** A comment; shown on the device face when `face` is given. */
  comment(text: string, at: [number, number], face?: Face, extra: Partial<Box> = {}): BoxRef {
    return this.add({
      maxclass: face ? 'live.comment' : 'comment',
      text,
      patching_rect: [at[0], at[1], Math.max(40, 6 * text.length), 18],
      ...(face ? { presentation: 1, presentation_rect: face } : {}),
      ...extra,
    });
  }

  /**
   * A live.* control that is a Live parameter, described by `spec`. `visibility` is Live's
   * Parameter Visibility: 'automated' (stored and automatable, the default), 'stored' (saved with
   * the set, not automatable) or 'hidden' (`parameter_invisible` 2: not stored, not automatable,
   * no undo step; Ableton's guideline for buttons such as live.text in button mode).
   */
  param(
    maxclass: 'live.dial' | 'live.numbox' | 'live.menu' | 'live.tab' | 'live.toggle' | 'live.text' | 'live.button',
    spec: ParamSpec,
    at: [number, number],
    face: Face,
    extra: Partial<Box> = {},
    visibility: 'automated' | 'stored' | 'hidden' = 'automated',
  ): BoxRef {
    const valueof =
      spec.type === 'enum'
        ? { parameter_type: 2 as const, parameter_enum: [...spec.items], parameter_mmax: spec.items.length - 1 }
        : {
            parameter_type: spec.type === 'float' ? (0 as const) : (1 as const),
            parameter_mmin: spec.min,
            parameter_mmax: spec.max,
            parameter_unitstyle: spec.unitstyle,
          };
    return this.add({
      maxclass,
      parameter_enable: 1,
      patching_rect: [at[0], at[1], face[2], face[3]],
      presentation: 1,
      presentation_rect: face,
      saved_attribute_attributes: {
        valueof: {
          parameter_longname: spec.longname,
          parameter_shortname: spec.shortname,
          ...valueof,
          parameter_initial_enable: 1,
          parameter_initial: [spec.initial],
          ...(visibility === 'hidden'
            ? { parameter_invisible: PARAMETER_INVISIBLE.hidden }
            : visibility === 'stored'
              ? { parameter_invisible: PARAMETER_INVISIBLE.storedOnly }
              : {}),
        },
      },
      varname: spec.longname,
      ...extra,
    });
  }

  /** A patch line from `from`'s outlet to `to`'s inlet; throws if either does not exist. */
  connect(from: BoxRef, outlet: number, to: BoxRef, inlet: number): void {
    if (!Number.isInteger(outlet) || outlet < 0 || outlet >= from.io.outlets) {
      throw new PatchBuildError(`${describe(from.box)} has outlets 0..${from.io.outlets - 1}, not ${outlet}`);
    }
    if (!Number.isInteger(inlet) || inlet < 0 || inlet >= to.io.inlets) {
      throw new PatchBuildError(`${describe(to.box)} has inlets 0..${to.io.inlets - 1}, not ${inlet}`);
    }
    this.lines.push({ source: [from.id, outlet], destination: [to.id, inlet] });
  }

  /** The finished patcher: boxes, lines and the parameter table Max keeps for devices. */
  build(opts: {
    devicewidth: number;
    dependencies: { name: string; type: string }[];
    description: string;
    type?: keyof typeof AMXD_TYPE_CODES;
    openrect?: Rect;
  }): Patcher {
    const parameters: Patcher['parameters'] = {};
    for (const b of this.boxes) {
      const v = b.saved_attribute_attributes?.valueof;
      if (b.parameter_enable === 1 && v) parameters[b.id] = [v.parameter_longname, v.parameter_shortname, 0];
    }
    return {
      fileversion: 1,
      appversion: { ...BUILD_MAX_VERSION, architecture: 'x64', modernui: 1 },
      classnamespace: 'box',
      rect: [100, 100, 1100, 720],
      openrect: opts.openrect ?? [0, 0, 0, DEVICE_HEIGHT],
      openinpresentation: 1,
      devicewidth: opts.devicewidth,
      default_fontsize: 10,
      default_fontname: 'Arial Bold',
      gridsize: [8, 8],
      description: opts.description,
      boxes: this.boxes.map((box) => ({ box })),
      lines: this.lines.map((patchline) => ({ patchline })),
      parameters,
      dependency_cache: opts.dependencies.map((d) => ({ name: d.name, type: d.type, implicit: 1 as const })),
      latency: 0,
      is_mpe: 0,
      minimum_live_version: '',
      minimum_max_version: '',
      platform_compatibility: 0,
      autosave: 0,
      // Max's device project block; amxdtype is the ampf type as a big-endian u32 ('mmmm' = 1835887981).
      project: {
        version: 1,
        creationdate: 3590052786,
        modificationdate: 3590052786,
        viewrect: [0, 0, 300, 500],
        autoorganize: 1,
        hideprojectwindow: 1,
        showdependencies: 1,
        autolocalize: 0,
        contents: { patchers: {}, code: {} },
        layout: {},
        searchpath: {},
        detailsvisible: 0,
        amxdtype: AMXD_TYPE_CODES[opts.type ?? 'mmmm'],
        readonly: 0,
        devpathtype: 0,
        devpath: '.',
        sortmode: 0,
        viewmode: 0,
        includepackages: 0,
      },
    };
  }

  private add(partial: Partial<Box> & { maxclass: string; patching_rect: Rect }, counts?: { inlets: number; outlets: number }): BoxRef {
    const id = `obj-${this.next++}`;
    const io = counts ? { ...counts, outlettype: Array.from({ length: counts.outlets }, () => '') } : expectedIo(partial);
    if (!io)
      throw new PatchBuildError(
        `no inlet/outlet counts known for ${partial.maxclass} ${partial.text ?? ''}; add the object to max-device/src/patcher/objects.ts with its source`,
      );
    const box: Box = { ...partial, id, numinlets: io.inlets, numoutlets: io.outlets, ...(io.outlets ? { outlettype: io.outlettype } : {}) };
    this.boxes.push(box);
    return { id, box, io };
  }
}

function describe(b: Box): string {
  return `${b.id} (${b.maxclass === 'newobj' ? b.text : b.maxclass})`;
}
