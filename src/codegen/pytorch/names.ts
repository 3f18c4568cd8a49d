/**
 * Python names for the layers of a generated module: the layer's own name where it is free, else with `_`
 * appended until it is. A name is not free when it is a Python keyword, an attribute of `torch.nn.Module`
 * (a submodule of that name would shadow or be refused), or a name the module itself defines.
 */
import { checkedIdentifier } from '../identifiers.js';

const PYTHON_KEYWORDS =
  'False None True and as assert async await break class continue def del elif else except finally for from global if ' +
  'import in is lambda nonlocal not or pass raise return try while with yield match case type _';

/** Attributes of torch.nn.Module (torch 1.13 to 2.x) that a submodule name must not take. */
const MODULE_ATTRIBUTES =
  'T_destination add_module apply bfloat16 buffers call_super_init children compile cpu cuda double dump_patches eval ' +
  'extra_repr float forward get_buffer get_extra_state get_parameter get_submodule half ipu load_state_dict modules ' +
  'mtia named_buffers named_children named_modules named_parameters parameters register_backward_hook ' +
  'register_buffer register_forward_hook register_forward_pre_hook register_full_backward_hook ' +
  'register_full_backward_pre_hook register_load_state_dict_post_hook register_load_state_dict_pre_hook ' +
  'register_module register_parameter register_state_dict_post_hook register_state_dict_pre_hook requires_grad_ ' +
  'set_extra_state set_submodule share_memory smart_apply state_dict to to_empty train training type xpu zero_grad ' +
  'tfjs_entries load_tfjs_weights tfjs_weights';

/** Names the generated module defines or uses at module level or in `forward`. */
const MODULE_NAMES =
  'torch np st seqnet_torch Model INPUT_SHAPE HEAD_NAMES HEADS TRAIN TFJS_WEIGHTS loss make_optimizer self x valid ' +
  'outputs targets params values print len range super';

const TAKEN = new Set([PYTHON_KEYWORDS, MODULE_ATTRIBUTES, MODULE_NAMES].join(' ').split(' '));

/** One Python name per layer name, in order; every name is a plain identifier not starting with `__`. */
export function pythonNames(layerNames: readonly string[]): Map<string, string> {
  const used = new Set(TAKEN);
  const names = new Map<string, string>();
  for (const name of layerNames) {
    let candidate = checkedIdentifier(name, 'layer name');
    // `__x` is mangled inside a class body, and `_x` attributes could meet torch's private ones.
    if (candidate.startsWith('_')) candidate = `layer${candidate}`;
    while (used.has(candidate)) candidate = `${candidate}_`;
    used.add(candidate);
    names.set(name, candidate);
  }
  return names;
}
