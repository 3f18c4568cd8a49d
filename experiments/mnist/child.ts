/**
 * The process of one MNIST training run (started by `run.ts` through `child-runs.ts`): loads the spec and its
 * digits, selects the backend, trains with the job's seed and reports every validation point.
 */
import { loadData, modelShape } from '../../src/data/index.js';
import { selectBackend, type BackendName } from '../../src/backend/index.js';
import { serveOneJob } from '../child-runs.js';
import { loadExperimentSpec } from '../shared.js';
import { trainAndMeasure, type CurvePoint, type RunMeasurements } from './train.js';
import type { RunJob } from './plan.js';

serveOneJob<RunJob, CurvePoint, RunMeasurements>(async (job, progress) => {
  await selectBackend(job.settings.backend as BackendName);
  const ir = await loadExperimentSpec(job.specPath);
  const data = await loadData(ir.data, { baseDir: job.root, validationSplit: ir.train.validationSplit, shape: modelShape(ir), saved: null });
  return trainAndMeasure(ir, data, job.settings.seed, job.settings, progress);
});
