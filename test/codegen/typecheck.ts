/** Type-checks generated modules under `--strict` with ts-morph, resolving `seqnet/runtime` to the sources. */
import { fileURLToPath } from 'node:url';
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget } from 'ts-morph';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The formatted errors of `files` (name → text), checked together as if they sat in generated/ (nothing is
 * written to disk). An empty list means every file type-checks.
 */
export function typeCheck(files: ReadonlyMap<string, string>): string[] {
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ScriptTarget.ES2022,
      module: ModuleKind.NodeNext,
      moduleResolution: ModuleResolutionKind.NodeNext,
      types: ['node'],
      paths: { 'seqnet/runtime': [`${ROOT}src/runtime/index.ts`] },
    },
  });
  const sourceFiles = [...files].map(([name, text]) => project.createSourceFile(`${ROOT}generated/__check__/${name}`, text, { overwrite: true }));
  return sourceFiles.flatMap((file) => project.formatDiagnosticsWithColorAndContext(file.getPreEmitDiagnostics()).trim() || []);
}
