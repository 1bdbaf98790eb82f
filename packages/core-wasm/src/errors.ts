/** Machine-readable reason carried by every {@link GenealogyError}. */
export type GenealogyErrorCode =
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'LENGTH_MISMATCH'
  | 'INVALID_QUANTITY'
  | 'BAD_SNAPSHOT'
  | 'DISPOSED';

/**
 * The only error the genealogy core throws for bad input. `code` is stable; `argument` names the
 * argument or element at fault (e.g. `"dst[4]"`). When it is thrown, nothing was written to the graph.
 */
export class GenealogyError extends Error {
  /** Stable machine code. */
  readonly code: GenealogyErrorCode;
  /** The argument (or element) at fault, e.g. `"src[3]"`, `"opts.maxDepth"`, `"bytes"`. */
  readonly argument?: string;

  constructor(code: GenealogyErrorCode, message: string, argument?: string) {
    super(message);
    this.name = 'GenealogyError';
    this.code = code;
    if (argument !== undefined) this.argument = argument;
  }
}
