// Types for tools/fw/drop-logs.mjs (log calls below the image's level dropped from the app bundle), for TypeScript tests.
export declare const LOG_LEVELS: string[];
export declare function dropLogs(code: string, options?: { level?: string }): {
  code: string; level: string; dropped: { line: number; level: string; callee: string }[]; folded: number; kept: { line: number; why: string }[]; wrappers: string[];
};
