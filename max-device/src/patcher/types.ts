/** Max patcher JSON, as far as the device uses it (Max keeps unknown keys, so this is not exhaustive). */

/** [x, y, width, height] in pixels. */
export type Rect = [number, number, number, number];

/** The `valueof` block that makes a live.* object a Live parameter. */
export interface ParameterValueOf {
  parameter_longname: string;
  parameter_shortname: string;
  /** 0 float, 1 int, 2 enum. */
  parameter_type: 0 | 1 | 2;
  parameter_mmin?: number;
  parameter_mmax?: number;
  parameter_enum?: string[];
  /** 0 int, 1 float, 5 percent (Live's unit styles). */
  parameter_unitstyle?: number;
  parameter_initial_enable?: 0 | 1;
  parameter_initial?: number[];
  /** Parameter Visibility: 0 automated and stored (default), 1 stored only, 2 hidden. */
  parameter_invisible?: 0 | 1 | 2;
  [key: string]: unknown;
}

export interface Box {
  id: string;
  maxclass: string;
  text?: string;
  numinlets: number;
  numoutlets: number;
  outlettype?: string[];
  patching_rect: Rect;
  presentation?: 1;
  presentation_rect?: Rect;
  parameter_enable?: 0 | 1;
  saved_attribute_attributes?: { valueof?: ParameterValueOf; [key: string]: unknown };
  varname?: string;
  [key: string]: unknown;
}

export interface PatchLine {
  /** [box id, outlet index] */
  source: [string, number];
  /** [box id, inlet index] */
  destination: [string, number];
}

export interface Patcher {
  fileversion: 1;
  appversion: { major: number; minor: number; revision: number; architecture: string; modernui: number };
  classnamespace: 'box';
  rect: Rect;
  openrect: Rect;
  openinpresentation: 0 | 1;
  devicewidth: number;
  boxes: { box: Box }[];
  lines: { patchline: PatchLine }[];
  /** Parameter boxes by id: [long name, short name, 0] (Max writes this table for devices). */
  parameters: Record<string, [string, string, number]>;
  dependency_cache: { name: string; bootpath?: string; type: string; implicit: 1 }[];
  [key: string]: unknown;
}

/** The file's top object. */
export interface PatcherDocument {
  patcher: Patcher;
}
