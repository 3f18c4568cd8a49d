/** The example specs of the repository (specs/*.seqnet), bundled as text by esbuild's text loader. */
import adding from '../../specs/adding_tf1_contrib.seqnet';
import charLm from '../../specs/char_lm.seqnet';
import co2 from '../../specs/co2.seqnet';
import copyClassifier from '../../specs/copy_classifier.seqnet';
import lnGru from '../../specs/ln_gru.seqnet';
import sine from '../../specs/sine.seqnet';
import sineBa2016 from '../../specs/sine_ba2016.seqnet';
import sineCooijmans2016 from '../../specs/sine_cooijmans2016.seqnet';

export interface Example {
  name: string;
  source: string;
}

/** In the order of the buttons; the first is what a new visitor sees. */
export const EXAMPLES: readonly Example[] = [
  { name: 'sine', source: sine },
  { name: 'sine_ba2016', source: sineBa2016 },
  { name: 'sine_cooijmans2016', source: sineCooijmans2016 },
  { name: 'ln_gru', source: lnGru },
  { name: 'adding_tf1_contrib', source: adding },
  { name: 'copy_classifier', source: copyClassifier },
  { name: 'char_lm', source: charLm },
  { name: 'co2', source: co2 },
];
