/** tfjs backend selection. */
export { BACKEND_NAMES, BackendError, selectBackend, type BackendName, type SelectedBackend } from './select.js';
