/** Placeholder until the synth CLI lands; replaced by the synth implementation. */
export async function runSynthCli(args: string[]): Promise<number> {
  console.log('synth args', args);
  return 0;
}
