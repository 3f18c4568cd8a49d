/** The syntax diagnostic codes (SN0xxx): one entry per kind of lexer or parser error, for the code registry. */

export interface SyntaxCodeInfo {
  code: string;
  title: string;
  explanation: string;
}

export const SyntaxCode = {
  UnexpectedCharacter: 'SN0001',
  InvalidNumber: 'SN0002',
  InvalidString: 'SN0003',
  UnterminatedString: 'SN0004',
  ExpectedToken: 'SN0010',
  MissingSeparator: 'SN0011',
  UnexpectedToken: 'SN0012',
  UnmatchedClosingBrace: 'SN0013',
  NestingTooDeep: 'SN0014',
  TooManyErrors: 'SN0015',
} as const;

export type SyntaxCodeValue = (typeof SyntaxCode)[keyof typeof SyntaxCode];

/** Maximum depth of nested `{ … }` blocks; real specs use three levels at most. */
export const MAX_NESTING_DEPTH = 64;

/** Syntax errors reported per file; the rest are summarised by one `TooManyErrors` diagnostic. */
export const MAX_REPORTED_SYNTAX_ERRORS = 50;

export const SYNTAX_CODES: readonly SyntaxCodeInfo[] = [
  {
    code: SyntaxCode.UnexpectedCharacter,
    title: 'unexpected character',
    explanation:
      'The character cannot start any token. A spec contains keywords and identifiers (letters, digits, `_`), ' +
      'numbers, double-quoted strings, `{`, `}`, `;` and `#` comments; anything else is an error.',
  },
  {
    code: SyntaxCode.InvalidNumber,
    title: 'invalid number',
    explanation:
      'Numbers are decimal: an optional `-`, digits, an optional fraction and an optional exponent (`32`, `0.5`, ' +
      '`-1`, `1e-5`). A number may not be glued to letters (`128x2`: write `128 x 2`) or start with a dot (`.5`).',
  },
  {
    code: SyntaxCode.InvalidString,
    title: 'invalid string',
    explanation:
      'Strings use JSON escapes: `\\"`, `\\\\`, `\\/`, `\\b`, `\\f`, `\\n`, `\\r`, `\\t` and `\\uXXXX`. Any other ' +
      'backslash sequence, and a raw control character such as a tab, is an error.',
  },
  {
    code: SyntaxCode.UnterminatedString,
    title: 'unterminated string',
    explanation: 'A string must end with `"` on the line where it starts.',
  },
  {
    code: SyntaxCode.ExpectedToken,
    title: 'expected token',
    explanation:
      'The parser needed a particular token, most often the `}` that closes a block, and found something else.',
  },
  {
    code: SyntaxCode.MissingSeparator,
    title: 'missing statement separator',
    explanation:
      'Statements end at a line break or `;`. After a statement with a block, such as `dense 8 { activation relu }`, ' +
      'the next statement must start on a new line or after `;`.',
  },
  {
    code: SyntaxCode.UnexpectedToken,
    title: 'unexpected token',
    explanation:
      'A statement starts with a keyword (an identifier such as `lstm` or `head`); a number, string or `{` cannot ' +
      'start one. The `{` of a block goes on the same line as its statement.',
  },
  {
    code: SyntaxCode.UnmatchedClosingBrace,
    title: "unmatched '}'",
    explanation: 'A `}` closes no open block. Remove it, or add the `{` it was meant to close.',
  },
  {
    code: SyntaxCode.NestingTooDeep,
    title: 'blocks nested too deeply',
    explanation: `Blocks may be nested at most ${MAX_NESTING_DEPTH} levels deep; the file is not parsed further.`,
  },
  {
    code: SyntaxCode.TooManyErrors,
    title: 'too many syntax errors',
    explanation: `Only the first ${MAX_REPORTED_SYNTAX_ERRORS} syntax errors of a file are reported; this diagnostic counts the rest.`,
  },
];
