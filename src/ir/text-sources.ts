/**
 * The formats of the text data source, read by validation and by the loader (src/data/text.ts): `plain` text is
 * one stream split in order; `fortune` text is the format of fortune(6)'s files (Debian's package `fortunes`
 * installs them under /usr/share/games/fortunes): records separated by lines holding only `%`, dealt whole to
 * train / validation / test in an order shuffled by the source's seed.
 */
export const TEXT_FORMATS = ['plain', 'fortune'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** Where Debian installs fortune files, and how to get them: named by the loader when a fortune file is missing. */
export const FORTUNE_FILES_HINT = 'Debian and Ubuntu install fortune files under /usr/share/games/fortunes with `apt-get install fortunes`';
