/** Local-disk model files for tfjs, and atomic writes. */
export { fileHandler, loadArtifacts, MODEL_FILE, WEIGHTS_FILE } from './file-handler.js';
export { temporaryPath, writeFileAtomic, writeJsonAtomic } from './atomic.js';
