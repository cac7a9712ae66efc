// One open PortAudio stream through mixd's realtime binding, as the audio worker sees it: open by request,
// pull a block, push a block, close. Only open/close allocate; pull/push don't.
import type { BindingStat } from './portaudio.js';
import { libraryCandidates, loadBinding, type LibraryInfo, type PortAudioBinding } from './portaudio.js';
import { selectDevice } from './select-device.js';
import type { AudioSettings } from './worker-protocol.js';

export interface OpenedDevice {
  device: string;
  hostApi: string;
  library: string;
  inChannels: number;
  outChannels: number;
  inputLatencyMs: number;
  outputLatencyMs: number;
  sampleRate: number;
}

export class PortAudioDevice {
  readonly stats: Float64Array;
  private readonly binding: PortAudioBinding;
  private library: LibraryInfo | undefined;
  private open = false;

  constructor(
    private readonly settings: AudioSettings,
    /** Planar input block the engine reads: inputChannels × blockFrames. */
    readonly inBlock: Float32Array,
    /** Planar output block the engine writes: outputChannels × blockFrames. */
    readonly outBlock: Float32Array,
    private readonly inputChannels: number,
  ) {
    this.binding = loadBinding();
    this.stats = new Float64Array(this.binding.statCount);
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Messages libjack/libasound printed since the last call (kept out of stderr by the binding). */
  libraryMessages(): string[] {
    return this.binding.drainMessages();
  }

  /** Opens and starts the configured device; throws an Error whose message says why it could not. */
  openAndStart(): OpenedDevice {
    const s = this.settings;
    this.library = this.binding.load(libraryCandidates(s.library));
    const list = this.binding.initialize(s.clientName);
    const choice = selectDevice(list, { hostApi: s.hostApi, device: s.device });
    if (!choice.ok) {
      this.binding.close(500);
      throw new Error(choice.reason);
    }
    const inChannels = Math.min(this.inputChannels, choice.input?.maxInputChannels ?? 0);
    const outChannels = Math.min(s.outputChannels, choice.output.maxOutputChannels);
    this.outBlock.fill(0);
    try {
      const info = this.binding.open(
        {
          input: choice.input?.index ?? -1,
          output: choice.output.index,
          inChannels,
          outChannels,
          sampleRate: s.sampleRate,
          blockFrames: s.blockFrames,
          suggestedLatency: choice.output.defaultLowOutputLatency,
          ringBlocks: 8,
          deadMs: s.deadDeviceMs,
        },
        this.inBlock,
        this.outBlock,
        this.stats,
      );
      this.binding.start();
      this.open = true;
      return {
        device: choice.output.name,
        hostApi: choice.hostApiName,
        library: `${this.library.path} (${this.library.version})`,
        inChannels,
        outChannels,
        inputLatencyMs: info.inputLatency * 1000,
        outputLatencyMs: info.outputLatency * 1000,
        sampleRate: info.sampleRate,
      };
    } catch (err) {
      this.binding.close(500);
      throw err;
    }
  }

  /** Raises the calling thread (the audio worker) to SCHED_FIFO; "" or why it could not. */
  setRealtimePriority(priority: number): string {
    return this.binding.setRealtimePriority(priority);
  }

  /** See PortAudioBinding.pull. */
  pull(timeoutMs: number): number {
    return this.binding.pull(timeoutMs);
  }

  push(): number {
    return this.binding.push();
  }

  stat(i: BindingStat): number {
    return this.stats[i]!;
  }

  /** Closes within the deadline; false when PortAudio hung and its instance was abandoned. */
  close(deadlineMs: number): boolean {
    this.open = false;
    return this.binding.close(deadlineMs);
  }
}
