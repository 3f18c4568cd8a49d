/** What every experiment receives from the runner. */
export interface ExperimentContext {
  /** The repository's root (experiments/, docs/ and the results are found from it). */
  root: string;
  /** The tfjs backend the runner selected. */
  backend: string;
  print(text: string): void;
}
