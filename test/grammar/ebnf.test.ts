import { createToken, CstParser } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { rulesToEbnf } from '../../grammar/ebnf.js';

const Name = createToken({ name: 'Name', pattern: /[a-z]+/ });
const Comma = createToken({ name: 'Comma', pattern: ',' });
const Colon = createToken({ name: 'Colon', pattern: ':' });
const Space = createToken({ name: 'Space', pattern: / +/, group: 'skipped' });

/** A toy grammar using every kind of production the printer supports. */
class ToyParser extends CstParser {
  constructor() {
    super([Space, Name, Comma, Colon]);
    this.performSelfAnalysis();
  }

  public list = this.RULE('list', () => {
    this.MANY_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.pair) });
  });

  public pair = this.RULE('pair', () => {
    this.CONSUME(Name);
    this.OPTION(() => {
      this.CONSUME(Colon);
      this.AT_LEAST_ONE(() => this.CONSUME2(Name));
    });
    this.AT_LEAST_ONE_SEP({ SEP: Colon, DEF: () => this.OR([{ ALT: () => this.CONSUME3(Name) }, { ALT: () => this.CONSUME(Comma) }]) });
  });
}

describe('rulesToEbnf', () => {
  it('prints every production kind, with parentheses only where they are needed', () => {
    const rules = Object.values(new ToyParser().getGAstProductions());
    expect(rulesToEbnf(rules)).toBe(
      [
        "list ::= ( pair ( ',' pair )* )?",
        "pair ::= Name ( ':' Name+ )? ( Name | ',' ) ( ':' ( Name | ',' ) )*",
      ].join('\n'),
    );
  });
});
