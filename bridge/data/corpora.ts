/** The corpora `tandem data build` makes (apart from the builder, so the CLI lists them without loading it). */
export const CORPORA = ['drums', 'melody'] as const;
export type CorpusName = (typeof CORPORA)[number];
