/**
 * A stand-in for Node for Max's `max-api` module (vitest aliases `max-api` here; the npm package
 * of that name is a placeholder that throws outside Max). Follows Cycling '74's documented API:
 * addHandler/addHandlers/removeHandler/removeHandlers, outlet/outletBang (Promises), post,
 * getDict/setDict/updateDict, and the MAX_ENV, MESSAGE_TYPES and POST_LEVELS enums.
 * A message from Max goes to the handlers of its selector; handlers for MESSAGE_TYPES.ALL get
 * every message with the selector first; a number goes to MESSAGE_TYPES.NUMBER handlers.
 * A message nobody handles is reported in the Max window (here: `fake.unhandled`).
 */

type Handler = (...args: any[]) => unknown;
type JSONObject = { [key: string]: unknown };

export enum MAX_ENV {
  MAX = 'max',
  MAX_FOR_LIVE = 'maxforlive',
  STANDALONE = 'max:standalone',
}
export enum MESSAGE_TYPES {
  ALL = 'all',
  BANG = 'bang',
  DICT = 'dict',
  NUMBER = 'number',
  LIST = 'list',
}
export enum POST_LEVELS {
  ERROR = 'error',
  INFO = 'info',
  WARN = 'warn',
}

/**
 * One node.script's max-api: handlers, dicts, what it sent. `createMaxApi()` makes more (several
 * devices in one test); `dicts` shares Max's named dictionaries with a js (DictRegistry).
 */
export function createMaxApi(dicts: Map<string, JSONObject> = new Map()) {
  const handlers = new Map<string, Handler[]>();
  const outletListeners: ((args: unknown[]) => void)[] = [];
  const fake = {
    outlets: [] as unknown[][],
    posts: [] as unknown[][],
    unhandled: [] as string[],
    /** Max sends `selector ...args` into node.script's inlet. Returns whether a handler took it. */
    send(selector: string | number, ...args: unknown[]): boolean {
      const list: [Handler, unknown[]][] = [];
      if (typeof selector === 'number') for (const h of handlers.get(MESSAGE_TYPES.NUMBER) ?? []) list.push([h, [selector, ...args]]);
      else for (const h of handlers.get(selector) ?? []) list.push([h, args]);
      for (const h of handlers.get(MESSAGE_TYPES.ALL) ?? []) list.push([h, [selector, ...args]]);
      if (list.length === 0) {
        fake.unhandled.push(String(selector));
        return false;
      }
      for (const [h, a] of list) h(...a);
      return true;
    },
    /** Names with at least one handler. */
    handlerNames(): string[] {
      return [...handlers.entries()].filter(([, l]) => l.length > 0).map(([k]) => k);
    },
    /** The status texts sent (`status <text>`). */
    statuses(): string[] {
      return fake.outlets.filter((o) => o[0] === 'status').map((o) => String(o[1]));
    },
    onOutlet(cb: (args: unknown[]) => void): void {
      outletListeners.push(cb);
    },
    reset(): void {
      handlers.clear();
      dicts.clear();
      outletListeners.length = 0;
      fake.outlets = [];
      fake.posts = [];
      fake.unhandled = [];
    },
  };
  const api = {
    addHandler(selector: string, handler: Handler): void {
      if (typeof handler !== 'function') throw new TypeError(`handler for ${selector} must be a function`);
      handlers.set(selector, [...(handlers.get(selector) ?? []), handler]);
    },
    addHandlers(map: Record<string, Handler>): void {
      for (const [k, h] of Object.entries(map)) api.addHandler(k, h);
    },
    removeHandler(selector: string, handler: Handler): void {
      handlers.set(
        selector,
        (handlers.get(selector) ?? []).filter((h) => h !== handler),
      );
    },
    removeHandlers(selector: string): void {
      handlers.delete(selector);
    },
    async outlet(...args: unknown[]): Promise<void> {
      fake.outlets.push(args);
      for (const l of outletListeners) l(args);
    },
    async outletBang(): Promise<void> {
      return api.outlet('bang');
    },
    async post(...args: unknown[]): Promise<void> {
      fake.posts.push(args);
    },
    async getDict(id: string): Promise<JSONObject> {
      const d = dicts.get(id);
      if (!d) throw new Error(`no dictionary named ${id}`);
      return structuredClone(d);
    },
    async setDict(id: string, dict: JSONObject): Promise<JSONObject> {
      dicts.set(id, structuredClone(dict));
      return structuredClone(dict);
    },
    async updateDict(id: string, path: string, value: unknown): Promise<JSONObject> {
      const d = dicts.get(id) ?? {};
      const keys = path.split('.');
      let at: JSONObject = d;
      for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as JSONObject;
      at[keys[keys.length - 1]] = structuredClone(value);
      dicts.set(id, d);
      return structuredClone(d);
    },
    MAX_ENV,
    MESSAGE_TYPES,
    POST_LEVELS,
  };
  return { api, fake };
}

const main = createMaxApi();
/** What the module's script sent and posted; test helpers. */
export const fake = main.fake;
export const { addHandler, addHandlers, removeHandler, removeHandlers, outlet, outletBang, post, getDict, setDict, updateDict } = main.api;

const maxApi = main.api;
export default maxApi;
