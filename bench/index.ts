/**
 * `npm run bench`: runs every benchmark area in turn, or only those named on the command line
 * (`npm run bench -- runtime`). Each area prints its own table; every figure that matters is reported as a
 * ratio against a baseline measured in the same run, because these machines are shared and noisy. Options
 * after the area names (`npm run bench -- peers --write-docs`) go to the areas; those without options ignore them.
 */
type Area = { name: string; load: () => Promise<{ run: (options: string[]) => Promise<void> }> };

const areas: Area[] = [
  { name: 'check', load: () => import('./check.js') },
  { name: 'codegen', load: () => import('./codegen.js') },
  { name: 'runtime', load: () => import('./runtime.js') },
  { name: 'peers', load: () => import('./peers.js') },
  { name: 'train', load: () => import('./train.js') },
  { name: 'loop', load: () => import('./loop.js') },
  { name: 'helper', load: () => import('./helper.js') },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const firstOption = args.findIndex((arg) => arg.startsWith('--'));
  const wanted = firstOption < 0 ? args : args.slice(0, firstOption);
  const options = firstOption < 0 ? [] : args.slice(firstOption);
  const unknown = wanted.filter((name) => !areas.some((area) => area.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark area(s): ${unknown.join(', ')}; known: ${areas.map((a) => a.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const area of areas) {
    if (wanted.length > 0 && !wanted.includes(area.name)) continue;
    process.stdout.write(`\n## ${area.name}\n\n`);
    const module = await area.load();
    await module.run(options);
  }
}

await main();
