// Types for tools/fw/inline-consts.mjs (constant objects inlined in the app bundle), for TypeScript tests.
export interface InlineConstsResult {
  code: string;
  inlined: { name: string; members: number; uses: number }[];
  refused: { name: string; reason: string }[];
}
export declare function inlineConsts(code: string, options?: { strings?: boolean }): InlineConstsResult;
