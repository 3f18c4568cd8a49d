/** What every experiment receives from the runner. */
export interface ExperimentContext {
  /** The repository's root (experiments/, docs/ and the results are found from it). */
  root: string;
  /** The tfjs backend the runner selected. */
  backend: string;
  /** The experiment's own command-line arguments (after its name, without `--backend NAME`). */
  args: string[];
  print(text: string): void;
}

/** A command line the experiment cannot take: the runner prints it with the usage and exits with 2. */
export class UsageError extends Error {}
