/**
 * seqnet syntax highlighting for CodeMirror: a stream tokenizer that mirrors the lexer in grammar/ (comments
 * from `#`, strings, numbers, braces, `;`) and calls the first word of every statement a keyword, since a
 * statement is always `KEYWORD ARGUMENTS… [{ … }]`.
 */
import { StreamLanguage, type StringStream } from '@codemirror/language';

interface State {
  /** True until the current statement's first word has been read. */
  atStatementStart: boolean;
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][A-Za-z0-9_.-]*/;

function token(stream: StringStream, state: State): string | null {
  if (stream.sol()) state.atStatementStart = true;
  if (stream.eatSpace()) return null;
  if (stream.peek() === '#') {
    stream.skipToEnd();
    return 'comment';
  }
  if (stream.eat('"')) {
    // A string ends at the next unescaped quote or, unterminated, at the end of the line.
    while (!stream.eol()) {
      const next = stream.next();
      if (next === '\\') stream.next();
      else if (next === '"') break;
    }
    state.atStatementStart = false;
    return 'string';
  }
  if (stream.eat('{') || stream.eat('}') || stream.eat(';')) {
    state.atStatementStart = true;
    return 'brace';
  }
  if (stream.match(NUMBER)) {
    state.atStatementStart = false;
    return 'number';
  }
  const word = stream.match(WORD) as RegExpMatchArray | null;
  if (word !== null) {
    const first = state.atStatementStart;
    state.atStatementStart = false;
    if (first) return 'keyword';
    return word[0] === 'true' || word[0] === 'false' ? 'atom' : 'variableName';
  }
  stream.next();
  state.atStatementStart = false;
  return null;
}

export const seqnetLanguage = StreamLanguage.define<State>({
  name: 'seqnet',
  startState: () => ({ atStatementStart: true }),
  copyState: (state) => ({ ...state }),
  token,
  languageData: { commentTokens: { line: '#' }, closeBrackets: { brackets: ['{', '"'] } },
});
