// `mixd devices`: what PortAudio sees — host APIs, devices, which library was loaded and whether it has JACK.
import {
  libraryCandidates,
  loadBinding,
  PA_HOST_API_JACK,
  type DeviceList,
  type LibraryInfo,
} from '../engine/audio/portaudio.js';

export interface DevicesReport {
  library: LibraryInfo;
  /** The library was built with the JACK host API. */
  jackSupport: boolean;
  /** A JACK server answered, so the JACK host API is listed. */
  jackRunning: boolean;
  hostApis: DeviceList['hostApis'];
  devices: DeviceList['devices'];
  defaultInput: number;
  defaultOutput: number;
}

export function readDevices(clientName = 'mixd-devices'): DevicesReport {
  const binding = loadBinding();
  const library = binding.load(libraryCandidates(process.env.MIXD_PORTAUDIO_LIB));
  const list = binding.initialize(clientName);
  binding.close(1000);
  return {
    library,
    jackSupport: library.hasJackApi,
    jackRunning: list.hostApis.some((h) => h.type === PA_HOST_API_JACK),
    ...list,
  };
}

export function formatDevices(r: DevicesReport): string {
  const ms = (s: number): string => (s * 1000).toFixed(1);
  const lines = [
    `PortAudio library: ${r.library.path}`,
    `  ${r.library.version}`,
    `  JACK host API: ${r.jackSupport ? (r.jackRunning ? 'yes (server running)' : 'built in, no server running') : 'not in this library'}`,
    '',
  ];
  for (const api of r.hostApis) {
    lines.push(`${api.name}: ${api.deviceCount} device${api.deviceCount === 1 ? '' : 's'}`);
    for (const d of r.devices.filter((x) => x.hostApi === api.index)) {
      const mark = d.index === api.defaultOutput || d.index === api.defaultInput ? '*' : ' ';
      lines.push(
        `  ${mark}[${d.index}] ${d.name}: ${d.maxInputChannels} in / ${d.maxOutputChannels} out, ` +
          `${d.defaultSampleRate} Hz, latency low ${ms(d.defaultLowInputLatency)}/${ms(d.defaultLowOutputLatency)} ms, ` +
          `high ${ms(d.defaultHighInputLatency)}/${ms(d.defaultHighOutputLatency)} ms (in/out)`,
      );
    }
  }
  if (r.devices.length === 0)
    lines.push('', 'No audio devices: `mixd run` will use the clock-paced null device.');
  return lines.join('\n') + '\n';
}
