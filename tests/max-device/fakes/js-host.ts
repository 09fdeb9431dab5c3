import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { FakeDict, type FakeLiveSet } from './live-api';

/**
 * Runs a script the way Max's `js` object does, for tests: top-level functions are message
 * handlers (`bang`, a selector's function, else `anything` with `messagename` set), `outlet(n,
 * ...)` sends, `post` logs; `LiveAPI` is the fake bound to `set`; `Dict` a small Dict.
 * `require(name)` follows Max's JS Require Guide: it runs `<name>.js` (looked for beside the
 * script, as Max searches the loading patcher's folder first) once, in a scope of its own that
 * sees the same Max globals, and returns what it assigned to `exports`; a missing file throws.
 */
export interface JsHostOptions {
  /** The box's arguments after the script name (`jsarguments[1..]`). */
  args?: string[];
  /** The Dict class (default a Dict of its own; a DictRegistry's to share dictionaries by name with max-api). */
  Dict?: unknown;
  /** Called on every outlet call, after it is recorded (a patch runner sends it on). */
  onOutlet?: (n: number, args: unknown[]) => void;
}

export class JsHost {
  readonly outlets: unknown[][] = [];
  readonly posts: string[] = [];
  private readonly ctx: Record<string, unknown>;

  constructor(file: string, set?: FakeLiveSet, opts: JsHostOptions = {}) {
    this.ctx = {
      LiveAPI: set?.liveApiClass(),
      Dict: opts.Dict ?? FakeDict,
      jsarguments: [file.split('/').pop(), ...(opts.args ?? [])],
      inlet: 0,
      // outlet(n, array) sends the array's elements as one list (Max's js reference).
      outlet: (n: number, ...given: unknown[]) => {
        const args = given.length === 1 && Array.isArray(given[0]) ? [...given[0]] : given;
        this.outlets.push([n, ...args]);
        opts.onOutlet?.(n, args);
      },
      post: (...args: unknown[]) => this.posts.push(args.join(' ')),
      error: (...args: unknown[]) => this.posts.push(`error: ${args.join(' ')}`),
      messagename: '',
    };
    const modules = new Map<string, unknown>();
    this.ctx.require = (name: string) => {
      const path = join(dirname(file), name.endsWith('.js') ? name : `${name}.js`);
      if (!modules.has(path)) {
        if (!existsSync(path)) throw new Error(`js: require: no such file ${name}`);
        const scope: Record<string, unknown> = { ...this.ctx, exports: {} };
        createContext(scope);
        runInContext(readFileSync(path, 'utf8'), scope, { filename: path });
        modules.set(path, scope.exports);
      }
      return modules.get(path);
    };
    createContext(this.ctx);
    runInContext(readFileSync(file, 'utf8'), this.ctx, { filename: file });
  }

  /** A global the script set (`inlets`, `outlets`, ...). */
  global(name: string): unknown {
    return this.ctx[name];
  }

  /** Sends `selector ...args` into the js box's inlet `n` (the script reads `inlet`). */
  sendTo(n: number, selector: string, ...args: unknown[]): void {
    this.ctx.inlet = n;
    try {
      this.send(selector, ...args);
    } finally {
      this.ctx.inlet = 0;
    }
  }

  /** Sends `selector ...args` into the js box's inlet. */
  send(selector: string, ...args: unknown[]): void {
    this.ctx.messagename = selector;
    const f = this.ctx[selector];
    if (typeof f === 'function') (f as (...a: unknown[]) => void)(...args);
    else if (typeof this.ctx.anything === 'function') (this.ctx.anything as (...a: unknown[]) => void)(...args);
    else throw new Error(`js: no function for ${selector}`);
  }

  /** Status texts the script sent (`status <text>` out of outlet 0). */
  statuses(): string[] {
    return this.outlets.filter((o) => o[0] === 0 && o[1] === 'status').map((o) => String(o[2]));
  }
}
