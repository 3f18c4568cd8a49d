/** tfjs backend selection. */
export { BACKEND_NAMES, BackendError, type BackendName } from './names.js';
export { selectBackend, type SelectedBackend } from './select.js';
