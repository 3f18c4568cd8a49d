/**
 * Human wording for lexer and parser errors: "expected '}' but found 'lstm'", with token labels instead of
 * chevrotain's internal token names.
 */
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { Newline } from './tokens.js';

const MAX_SHOWN_IMAGE = 24;

/** How a token appears in a message: its text in quotes, or a description for tokens without visible text. */
export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'end of file';
  if (token.tokenType === Newline) return 'end of line';
  const image = token.image.length > MAX_SHOWN_IMAGE ? `${token.image.slice(0, MAX_SHOWN_IMAGE)}…` : token.image;
  return `'${image}'`;
}

/** How a token type appears in an "expected …" list: its label (`'}'`, `identifier`, `end of line`). */
export function describeTokenType(tokenType: TokenType): string {
  if (tokenType === EOF) return 'end of file';
  return tokenType.LABEL ?? tokenType.name;
}

/** Describes characters the lexer could not match, escaping invisible ones (`'\u0000'`, `'\t'`). */
export function describeCharacters(text: string): string {
  const shown = [...text.slice(0, 12)].map(escapeCharacter).join('');
  const more = text.length > 12 ? '…' : '';
  return text.length === 1 ? `character '${shown}'` : `characters '${shown}${more}'`;
}

function escapeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0)) return char;
  const escaped = JSON.stringify(char).slice(1, -1);
  return escaped.length > 1 ? escaped : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Joins alternatives as prose: `a`, `a or b`, `a, b or c`; duplicates removed. */
function listAlternatives(items: string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** The first token of every non-empty lookahead path, described. */
function firstTokensOf(paths: TokenType[][]): string[] {
  return paths.filter((path) => path.length > 0).map((path) => describeTokenType(path[0]));
}

export const seqnetErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, actual }) =>
    `expected ${describeTokenType(expected)} but found ${describeToken(actual)}`,
  buildNotAllInputParsedMessage: ({ firstRedundant }) => `unexpected ${describeToken(firstRedundant)}`,
  buildNoViableAltMessage: ({ expectedPathsPerAlt, actual }) => {
    const expected = expectedPathsPerAlt.flatMap(firstTokensOf);
    const found = actual[0] ? describeToken(actual[0]) : 'end of file';
    return `expected ${listAlternatives(expected)} but found ${found}`;
  },
  buildEarlyExitMessage: ({ expectedIterationPaths, actual }) => {
    const found = actual[0] ? describeToken(actual[0]) : 'end of file';
    return `expected at least one ${listAlternatives(firstTokensOf(expectedIterationPaths))} but found ${found}`;
  },
};
