/** esbuild's text loader turns an imported .seqnet file into its contents. */
declare module '*.seqnet' {
  const source: string;
  export default source;
}
