// The block buffers the mix stages share, allocated once per engine: the planar sum of every bus (each bus's
// channels from plan.buses[b].channelBase, then the 2-channel AFL/PFL listen bus) and the bus key signals.
import type { MixPlan } from './mix-plan.js';

export const LISTEN_CHANNELS = 2;

export interface MixBuffers {
  readonly frames: number;
  /** (plan.busChannels + LISTEN_CHANNELS) planar channels of `frames` samples; zeroed at each block start. */
  readonly busSum: Float32Array;
  /** First channel of the listen bus in busSum. */
  readonly listenBase: number;
  /** Key signal of each bus (max |x| over its channels) from the previous block, bus b at b · frames. */
  readonly busKeys: Float32Array;
}

export function allocateMixBuffers(plan: MixPlan, frames: number): MixBuffers {
  return {
    frames,
    busSum: new Float32Array((plan.busChannels + LISTEN_CHANNELS) * frames),
    listenBase: plan.busChannels,
    busKeys: new Float32Array(plan.buses.length * frames),
  };
}
