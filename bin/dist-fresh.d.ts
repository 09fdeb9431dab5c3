/** The stamp's name in dist/ and its format version. */
export declare const STAMP_FILE: string;
export declare const STAMP_VERSION: number;
/** sha-1 of a file's bytes, hex. */
export declare function fileHash(path: string): string;
/**
 * Why `group` of dist/ cannot be used, or undefined when it can: every source it was built from
 * has the size and content it had, and every file it wrote is there.
 */
export declare function staleReason(root: string, dist: string, group: 'cli' | 'page'): string | undefined;
