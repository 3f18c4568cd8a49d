/**
 * Hover text (Markdown): on a layer or head, its output shape and parameter count (`seqnet summary`); on a
 * preset, a norm, dropout, zoneout or initial_noise line, what the layer computes (`seqnet explain`'s facts and equations);
 * on any other statement, its usage and the schema's description of it.
 */
import { parseSpec } from '../ast/index.js';
import type { StatementNode } from '../ast/types.js';
import { findPreset } from '../ir/presets/index.js';
import type { Section } from '../explain/sections.js';
import type { SummaryRow } from '../explain/summary.js';
import type { ContextName, StatementRule } from '../validate/vocabulary.js';
import { documentName } from './diagnose.js';
import { modelView, type ModelPart } from './model-view.js';
import { spanContains } from './positions.js';
import { blockSchema, descriptionOf, ruleOf, statementSchema } from './schema-lookup.js';
import type { StatementHeader } from './cursor.js';

/** Lines inside a recurrent layer whose meaning is the layer's equations. */
const EQUATION_LINES = new Set(['norm', 'dropout', 'zoneout', 'initial_noise']);

interface HoverTarget {
  /** The statements from the top level down to the one hovered. */
  path: StatementNode[];
  context: ContextName | null;
}

export function hover(text: string, offset: number): string | null {
  const { ast } = parseSpec(text, documentName());
  const target = hoverTarget(ast.statements, offset);
  if (target === null) return null;
  const statement = target.path[target.path.length - 1];
  const top = target.path[0];
  const inLayer = target.path.length === 2 && EQUATION_LINES.has(statement.keyword) && target.context === 'recurrent';
  if (target.path.length === 1 || inLayer) {
    const parts = modelView(text, documentName())?.partsAt(top.span.startOffset) ?? [];
    const preset = inLayer && statement.keyword === 'norm' && statement.args.length === 1 ? presetText(String(statement.args[0].value)) : null;
    if (parts.length > 0) return [preset, ...parts.map((part) => (inLayer || isBetweenLayers(top) ? explainPart(part) : summarizePart(part)))].filter(isText).join('\n\n---\n\n');
    if (preset !== null) return preset;
  }
  return usageText(target);
}

function isText(value: string | null): value is string {
  return value !== null;
}

/** A norm or dropout between layers: its hover shows its equations, like the lines inside a cell. */
function isBetweenLayers(statement: StatementNode): boolean {
  return statement.keyword === 'norm' || statement.keyword === 'dropout';
}

/** The innermost statement whose header (keyword and arguments, not its block) is under the cursor. */
function hoverTarget(statements: readonly StatementNode[], offset: number): HoverTarget | null {
  const path: StatementNode[] = [];
  let context: ContextName | null = 'top';
  let list: readonly StatementNode[] = statements;
  for (;;) {
    const statement = list.find((candidate) => spanContains(candidate.span, offset));
    if (statement === undefined) return null;
    path.push(statement);
    const header = statement.args.length === 0 ? statement.keywordSpan : { ...statement.keywordSpan, endOffset: statement.args[statement.args.length - 1].span.endOffset };
    if (spanContains(header, offset)) return { path, context };
    if (statement.block === null) return null;
    const rule: StatementRule | undefined = context === null ? undefined : ruleOf(context, statement.keyword);
    context = rule?.block ?? null;
    list = statement.block;
  }
}

function presetText(name: string): string | null {
  const preset = findPreset(name);
  return preset === undefined ? null : `**preset \`${preset.name}\`** (${preset.cells.join(', ')})\n\n${preset.doc}`;
}

function shapeText(row: SummaryRow): string {
  return `[${row.outputShape.map((size) => (size === null ? 'null' : String(size))).join(', ')}]`;
}

function countText(value: number): string {
  return value.toLocaleString('en-US');
}

function rowText(row: SummaryRow | null): string | null {
  if (row === null) return null;
  const parameters = row.trainable + row.nonTrainable;
  const split = row.nonTrainable === 0 ? '' : ` (${countText(row.trainable)} trainable, ${countText(row.nonTrainable)} not)`;
  return `output shape \`${shapeText(row)}\` · ${countText(parameters)} parameter${parameters === 1 ? '' : 's'}${split}`;
}

function summarizePart(part: ModelPart): string {
  return [`**${part.section.title}**`, rowText(part.row)].filter(isText).join('\n\n');
}

function equationsText(section: Section): string {
  const facts = section.facts.map((fact) => `- ${fact}`).join('\n');
  return `${facts}\n\n\`\`\`text\n${section.equations.join('\n')}\n\`\`\``;
}

function explainPart(part: ModelPart): string {
  return [`**${part.section.title}**`, rowText(part.row), equationsText(part.section)].filter(isText).join('\n\n');
}

/** `**epochs** \`N\`` and the schema's description, for a statement the model view says nothing about. */
function usageText(target: HoverTarget): string | null {
  const statement = target.path[target.path.length - 1];
  if (target.context === null) return null;
  const rule = ruleOf(target.context, statement.keyword);
  if (rule === undefined) return null;
  const blocks: StatementHeader[] = target.path.slice(0, -1).map((node) => ({ keyword: node.keyword, args: node.args.map((arg) => arg.raw) }));
  const header = { keyword: statement.keyword, args: statement.args.map((arg) => arg.raw) };
  const description = descriptionOf(statementSchema(blockSchema(blocks), rule, header));
  const usage = `\`${statement.keyword} ${rule.usage}\``;
  return description === '' ? usage : `${usage}\n\n${description}`;
}
