/**
 * The `.seqnet` parser: a generic statement tree (`KEYWORD argument* block?`), so the grammar never changes when
 * the vocabulary grows. One chevrotain CstParser instance, reused for every input.
 */
import { CstParser, EMPTY_ALT, EOF, type IRecognitionException, type IToken } from 'chevrotain';
import {
  allTokens,
  False,
  Identifier,
  LBrace,
  Newline,
  NumberLiteral,
  RBrace,
  Semicolon,
  StringLiteral,
  True,
} from './tokens.js';
import { seqnetErrorMessages } from './messages.js';
import type { SpecCstNode } from './cst.js';

export interface ParserOptions {
  /** Skip chevrotain's grammar checks at construction (faster start-up; tests keep them on). */
  skipValidations?: boolean;
}

export class SeqnetParser extends CstParser {
  constructor(options: ParserOptions = {}) {
    super(allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'full',
      maxLookahead: 1,
      skipValidations: options.skipValidations ?? false,
      errorMessageProvider: seqnetErrorMessages,
    });
    this.performSelfAnalysis();
  }

  /** The whole file: statements separated by line breaks or `;`. */
  public spec = this.RULE('spec', () => {
    this.SUBRULE(this.statements);
  });

  /**
   * Statements with their separators. A statement must be followed by a separator unless it is the last one
   * of its block or file, so `a { b } c` on one line is an error rather than two statements.
   */
  public statements = this.RULE('statements', () => {
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(Newline) },
        { ALT: () => this.CONSUME(Semicolon) },
        {
          ALT: () => {
            this.SUBRULE(this.statement);
            this.OR2([
              { ALT: () => this.CONSUME2(Newline) },
              { ALT: () => this.CONSUME2(Semicolon) },
              { GATE: () => this.atEndOfBlockOrFile(), ALT: EMPTY_ALT() },
            ]);
          },
        },
      ]);
    });
  });

  /** `KEYWORD argument* block?`; the arguments keep their order under one label. */
  public statement = this.RULE('statement', () => {
    this.CONSUME(Identifier, { LABEL: 'keyword' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME1(NumberLiteral, { LABEL: 'argument' }) },
        { ALT: () => this.CONSUME1(StringLiteral, { LABEL: 'argument' }) },
        { ALT: () => this.CONSUME2(Identifier, { LABEL: 'argument' }) },
        { ALT: () => this.CONSUME1(True, { LABEL: 'argument' }) },
        { ALT: () => this.CONSUME1(False, { LABEL: 'argument' }) },
      ]);
    });
    this.OPTION(() => this.SUBRULE(this.block));
  });

  public block = this.RULE('block', () => {
    this.CONSUME(LBrace);
    this.SUBRULE(this.statements);
    this.CONSUME(RBrace);
  });

  private atEndOfBlockOrFile(): boolean {
    const next = this.LA(1).tokenType;
    return next === RBrace || next === EOF;
  }
}

export interface CstParseResult {
  /** One CST per top-level statement (with the separators around it), in source order. */
  csts: SpecCstNode[];
  errors: IRecognitionException[];
  /** False when parsing stopped early because `maxErrors` was reached. */
  complete: boolean;
}

let sharedParser: SeqnetParser | undefined;

/** The shared parser; grammar checks are skipped here because the test suite runs them on its own instance. */
export function seqnetParser(): SeqnetParser {
  sharedParser ??= new SeqnetParser({ skipValidations: true });
  return sharedParser;
}

/**
 * Parses a token stream (without comments or malformed literals) into CSTs, one top-level statement at a time.
 * Chevrotain gives up on the rest of the input at a top-level token that cannot start a statement (say a `{`
 * on its own line), and its recovery inside one statement could otherwise swallow the next; parsing each
 * top-level statement on its own keeps one mistake from hiding every later one.
 */
export function parseTokens(
  tokens: readonly IToken[],
  maxErrors = Infinity,
  parser: SeqnetParser = seqnetParser(),
): CstParseResult {
  const csts: SpecCstNode[] = [];
  const errors: IRecognitionException[] = [];
  for (const chunk of topLevelStatements(tokens)) {
    // Each error costs an exception with a stack trace; on garbage input, stop rather than collect millions.
    if (errors.length >= maxErrors) return { csts, errors, complete: false };
    // Chevrotain appends end-of-file sentinels to its input array, so each chunk must be a fresh array.
    parser.input = chunk;
    csts.push(parser.spec() as SpecCstNode);
    for (const error of parser.errors) errors.push(error);
  }
  return { csts, errors, complete: true };
}

/**
 * Splits tokens after each line break or `;` outside blocks; separators with nothing before them are dropped.
 * An unclosed block runs to the end of the file, which is where the parser then reports the missing `}`.
 */
function* topLevelStatements(tokens: readonly IToken[]): Generator<IToken[]> {
  let depth = 0;
  let start = -1;
  for (let index = 0; index < tokens.length; index += 1) {
    const type = tokens[index].tokenType;
    const separator = type === Newline || type === Semicolon;
    if (start < 0) {
      if (separator) continue;
      start = index;
    }
    if (type === LBrace) depth += 1;
    else if (type === RBrace) depth = Math.max(depth - 1, 0);
    else if (separator && depth === 0) {
      yield tokens.slice(start, index + 1);
      start = -1;
    }
  }
  if (start >= 0) yield tokens.slice(start);
}
