export interface HandlerBundle {
  outfile: string;
  bytes: number;
  gzip: number;
  /** Bytes in the minified output by package name; the handler's own code is "(handler)". */
  byPackage: Record<string, number>;
}
export function bundleHandler(
  name: string,
  format: 'esm' | 'cjs',
  outdir: string,
): Promise<HandlerBundle>;
