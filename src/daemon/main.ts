#!/usr/bin/env node
// The `mixd` command line: run (the daemon), devices, render, loudness.
import { Command, InvalidArgumentError, Option } from 'commander';
import { formatDevices, readDevices } from './devices.js';
import { formatLoudnessJson, formatLoudnessText, measureLoudnessFile } from './loudness.js';
import { render } from './render.js';
import { runDaemon } from './run.js';

const program = new Command('mixd')
  .description('Headless realtime mix engine driven by Mackie Control, HUI, OSC and HID surfaces')
  .showHelpAfterError();

program
  .command('run')
  .description('run the daemon (with no --config: 8 mono strips into a stereo master on the default device)')
  .option('-c, --config <file>', 'configuration file (YAML or JSON)')
  .option('--check', 'validate the configuration (and its session) and exit')
  .action(async (opts: { config?: string; check?: boolean }) => {
    process.exitCode = await runDaemon(opts);
  });

program
  .command('devices')
  .description('list PortAudio host APIs and devices, the library loaded and whether it has JACK')
  .option('--json', 'print JSON instead of text')
  .action((opts: { json?: boolean }) => {
    try {
      const report = readDevices();
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatDevices(report));
    } catch (err) {
      process.stderr.write(`mixd devices: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  });

const blockSize = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 16 || n > 4096)
    throw new InvalidArgumentError('expected an integer 16..4096');
  return n;
};

program
  .command('render')
  .description('render a WAV file through a session offline, faster than real time, through the mix engine')
  .requiredOption('--session <file>', 'session file (YAML or JSON)')
  .requiredOption(
    '--in <file>',
    'input WAV (16/24-bit integer or 32-bit float, 1-8 channels); channel n feeds input n',
  )
  .requiredOption('--out <file>', 'output WAV (every channel of the master)')
  .addOption(new Option('--format <format>', 'output sample format').choices(['f32', 's24']).default('f32'))
  .option('--block <frames>', 'processing block size', blockSize, 128)
  .action((opts: { session: string; in: string; out: string; format: 'f32' | 's24'; block: number }) => {
    const r = render({
      session: opts.session,
      input: opts.in,
      output: opts.out,
      format: opts.format === 'f32' ? 'float32' : 'pcm24',
      blockFrames: opts.block,
    });
    if (!r.ok) {
      for (const e of r.errors) process.stderr.write(e + '\n');
      process.exitCode = 2;
      return;
    }
    const { frames, sampleRate, seconds, realtimeFactor } = r.result;
    process.stdout.write(
      `rendered ${frames} frames at ${sampleRate} Hz in ${seconds.toFixed(3)} s (${realtimeFactor.toFixed(0)}× real time) to ${opts.out}\n`,
    );
  });

program
  .command('loudness')
  .description(
    'measure a WAV file per ITU-R BS.1770 / EBU R128: integrated loudness, loudness range, true peak, sample peak, max momentary and max short-term loudness',
  )
  .argument(
    '<file>',
    'WAV file (16/24-bit integer or 32-bit float, any rate, 1-8 channels; layout from the extensible channel mask, else by count)',
  )
  .option('--json', 'print JSON (numbers; null where a value is -inf) instead of text')
  .action((file: string, opts: { json?: boolean }) => {
    const r = measureLoudnessFile(file);
    if (!r.ok) {
      process.stderr.write(`mixd loudness: ${r.error}\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(opts.json ? formatLoudnessJson(r.value) : formatLoudnessText(r.value));
  });

await program.parseAsync(process.argv);
