/** Local-disk model files for tfjs, atomic writes, and folders verified by a manifest. */
export { fileHandler, loadArtifacts, MODEL_FILE, toArrayBuffer, WEIGHTS_FILE } from './file-handler.js';
export { isProcessAlive, removeStaleTemporaries, temporaryPath, writeFileAtomic, writeJsonAtomic } from './atomic.js';
export { commitFiles, isPlainFileName, MANIFEST_FILE, readManifest, readVerifiedFile, readVerifiedJson, settleManifest } from './manifest.js';
export { checkWeightData } from './weight-data.js';
export { RunFileError } from './errors.js';
export { faultPoint, FAULT_POINTS, type FaultPoint } from './faults.js';
export { makeFolders } from './folders.js';
