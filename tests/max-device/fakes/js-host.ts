import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { FakeDict, type FakeLiveSet } from './live-api';

/**
 * Runs a script the way Max's `js` object does, for tests: top-level functions are message
 * handlers (`bang`, a selector's function, else `anything` with `messagename` set), `outlet(n,
 * ...)` sends, `post` logs; `LiveAPI` is the fake bound to `set`; `Dict` a small Dict.
 */
export class JsHost {
  readonly outlets: unknown[][] = [];
  readonly posts: string[] = [];
  private readonly ctx: Record<string, unknown>;

  constructor(file: string, set: FakeLiveSet) {
    this.ctx = {
      LiveAPI: set.liveApiClass(),
      Dict: FakeDict,
      outlet: (n: number, ...args: unknown[]) => this.outlets.push([n, ...args]),
      post: (...args: unknown[]) => this.posts.push(args.join(' ')),
      error: (...args: unknown[]) => this.posts.push(`error: ${args.join(' ')}`),
      messagename: '',
    };
    createContext(this.ctx);
    runInContext(readFileSync(file, 'utf8'), this.ctx, { filename: file });
  }

  /** A global the script set (`inlets`, `outlets`, ...). */
  global(name: string): unknown {
    return this.ctx[name];
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
