/** The preset registry: every normalization preset by name. A new preset is one file plus one line here. */
import { ba2016 } from './ba2016.js';
import { cooijmans2016 } from './cooijmans2016.js';
import { laurent2016 } from './laurent2016.js';
import { rms2019 } from './rms2019.js';
import { tf1Contrib } from './tf1-contrib.js';
import { tfa } from './tfa.js';
import type { NormPreset } from './types.js';

export type { NormPreset, PresetExpansion, PresetInput, PresetOverrides } from './types.js';

export const PRESETS: readonly NormPreset[] = [ba2016, tf1Contrib, tfa, cooijmans2016, laurent2016, rms2019];

const BY_NAME = new Map(PRESETS.map((preset) => [preset.name, preset]));

export function findPreset(name: string): NormPreset | undefined {
  return BY_NAME.get(name);
}

export const PRESET_NAMES: readonly string[] = PRESETS.map((preset) => preset.name);
