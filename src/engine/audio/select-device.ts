// Chooses the PortAudio device for a configured host API and device name. Pure.
import { PA_HOST_API_JACK, type DeviceInfo, type DeviceList } from './portaudio.js';

export interface DeviceRequest {
  hostApi?: string | undefined;
  /** "default" or a case-insensitive substring of the device name. */
  device: string;
}

export type DeviceChoice =
  | { ok: true; input: DeviceInfo | undefined; output: DeviceInfo; hostApiName: string }
  | { ok: false; reason: string };

const includes = (haystack: string, needle: string): boolean =>
  haystack.toLowerCase().includes(needle.toLowerCase());

export function selectDevice(list: DeviceList, request: DeviceRequest): DeviceChoice {
  const apis = request.hostApi
    ? list.hostApis.filter((h) => includes(h.name, request.hostApi!))
    : list.hostApis;
  if (apis.length === 0) {
    const names = list.hostApis.map((h) => h.name).join(', ') || 'none';
    return { ok: false, reason: `no host API matches "${request.hostApi}" (available: ${names})` };
  }
  const inApis = (d: DeviceInfo): boolean => apis.some((h) => h.index === d.hostApi);
  let output: DeviceInfo | undefined;
  let input: DeviceInfo | undefined;
  if (request.device === 'default') {
    // A running JACK server is what the user set up on purpose: prefer it over PortAudio's own default.
    const jack = apis.find((h) => h.type === PA_HOST_API_JACK && h.defaultOutput >= 0);
    const api = jack ?? (request.hostApi ? apis.find((h) => h.defaultOutput >= 0) : undefined);
    const outIndex = api ? api.defaultOutput : list.defaultOutput;
    const inIndex = api ? api.defaultInput : list.defaultInput;
    output = list.devices.find((d) => d.index === outIndex && d.maxOutputChannels > 0 && inApis(d));
    output ??= list.devices.find((d) => d.maxOutputChannels > 0 && inApis(d));
    input = list.devices.find((d) => d.index === inIndex && d.maxInputChannels > 0);
    if (output && input && input.hostApi !== output.hostApi) input = undefined;
    input ??= output && output.maxInputChannels > 0 ? output : undefined;
  } else {
    output = list.devices.find(
      (d) => includes(d.name, request.device) && d.maxOutputChannels > 0 && inApis(d),
    );
    input = list.devices.find(
      (d) => includes(d.name, request.device) && d.maxInputChannels > 0 && d.hostApi === output?.hostApi,
    );
  }
  if (!output) {
    const outs = list.devices.filter((d) => d.maxOutputChannels > 0 && inApis(d)).map((d) => `"${d.name}"`);
    return {
      ok: false,
      reason:
        request.device === 'default'
          ? 'no output device found'
          : `no output device matches "${request.device}" (available: ${outs.join(', ') || 'none'})`,
    };
  }
  const hostApiName = list.hostApis.find((h) => h.index === output.hostApi)?.name ?? '?';
  return { ok: true, input, output, hostApiName };
}
