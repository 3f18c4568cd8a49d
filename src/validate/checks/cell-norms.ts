/**
 * Normalization inside a cell: presets exist and fit the cell, sites exist in the cell, GRU joint gates are not
 * grouped as one, and each entry is either a preset or a kind with sites.
 */
import { Code } from '../../diagnostics/codes.js';
import { findPreset, PRESET_NAMES } from '../../ir/presets/index.js';
import { suggestionHint } from '../did-you-mean.js';
import { alwaysSplit, CELL_FACTS } from '../../variants/index.js';
import { recurrentItems, type Check } from './context.js';

export const checkCellNorms: Check = (context) => {
  for (const { item, pointer } of recurrentItems(context.spec)) {
    (item.norm ?? []).forEach((entry, index) => {
      const at = `${pointer}/norm/${index}`;
      if ((entry.preset === undefined) === (entry.kind === undefined) || (entry.kind !== undefined && entry.sites === undefined)) {
        context.report(Code.IncompleteNorm, 'a normalization needs either a preset or a kind with sites', at, 'header', 'e.g. `norm ba2016` or `norm layer at input recurrent`');
        return;
      }
      if (entry.preset !== undefined) {
        const preset = findPreset(entry.preset);
        if (preset === undefined) {
          context.report(Code.InvalidValue, `unknown preset '${entry.preset}'`, `${at}/preset`, 'value', suggestionHint(entry.preset, PRESET_NAMES));
        } else if (!preset.cells.includes(item.type)) {
          context.report(Code.PresetNotForCell, `preset '${preset.name}' is not defined for ${item.type}`, `${at}/preset`, 'value', `'${preset.name}' exists for: ${preset.cells.join(', ')}`);
        }
      }
      (entry.sites ?? []).forEach((site, siteIndex) => {
        if (!(CELL_FACTS[item.type].sites as readonly string[]).includes(site)) {
          context.report(Code.SiteNotInCell, `a ${item.type} has no cell state to normalize`, `${at}/sites/${siteIndex}`, 'value', 'use `hidden` to normalize h');
        }
        if (alwaysSplit(item.type, site) && entry.groups === 'all') {
          context.report(Code.GruGatesGroupedAll, "a GRU's gates cannot be normalized as one group", `${at}/groups`, 'value', 'use `groups per_gate` or `groups gates_and_candidate`');
        }
      });
    });
    if (item.zoneout?.cell !== undefined && !(CELL_FACTS[item.type].states as readonly string[]).includes('c')) {
      context.report(Code.SiteNotInCell, `a ${item.type} has no cell state for zoneout`, `${pointer}/zoneout/cell`, 'key', 'use `zoneout hidden`');
    }
    if (item.initial_noise?.cell !== undefined && !(CELL_FACTS[item.type].states as readonly string[]).includes('c')) {
      context.report(Code.SiteNotInCell, `a ${item.type} has no cell state for initial noise`, `${pointer}/initial_noise/cell`, 'key', 'use `initial_noise hidden`');
    }
  }
};
