// The slice of the PortAudio v19 C API that mixd uses, declared here so the addon builds with only g++ and
// Node's headers: the library itself is dlopen'ed at run time (Debian's libportaudio2 with JACK first, then
// the copy inside naudiodon). Layouts follow portaudio.h of v19 (stable ABI since 2007).
#pragma once

extern "C" {
typedef int PaError;
typedef int PaDeviceIndex;
typedef int PaHostApiIndex;
typedef double PaTime;
typedef unsigned long PaSampleFormat;
typedef unsigned long PaStreamFlags;
typedef unsigned long PaStreamCallbackFlags;
typedef void PaStream;

struct PaVersionInfo {
  int versionMajor, versionMinor, versionSubMinor;
  const char *versionControlRevision;
  const char *versionText;
};

struct PaHostApiInfo {
  int structVersion;
  int type;  // PaHostApiTypeId; 12 = JACK, 8 = ALSA
  const char *name;
  int deviceCount;
  PaDeviceIndex defaultInputDevice;
  PaDeviceIndex defaultOutputDevice;
};

struct PaDeviceInfo {
  int structVersion;
  const char *name;
  PaHostApiIndex hostApi;
  int maxInputChannels;
  int maxOutputChannels;
  PaTime defaultLowInputLatency;
  PaTime defaultLowOutputLatency;
  PaTime defaultHighInputLatency;
  PaTime defaultHighOutputLatency;
  double defaultSampleRate;
};

struct PaStreamParameters {
  PaDeviceIndex device;
  int channelCount;
  PaSampleFormat sampleFormat;
  PaTime suggestedLatency;
  void *hostApiSpecificStreamInfo;
};

struct PaStreamCallbackTimeInfo {
  PaTime inputBufferAdcTime, currentTime, outputBufferDacTime;
};

struct PaStreamInfo {
  int structVersion;
  PaTime inputLatency;
  PaTime outputLatency;
  double sampleRate;
};

typedef int PaStreamCallback(const void *input, void *output, unsigned long frameCount,
                             const PaStreamCallbackTimeInfo *timeInfo, PaStreamCallbackFlags statusFlags,
                             void *userData);

const PaDeviceIndex paNoDevice = -1;
const PaSampleFormat paFloat32 = 0x00000001;
const PaSampleFormat paNonInterleaved = 0x80000000;
const PaStreamFlags paClipOff = 0x00000002;
const PaStreamFlags paDitherOff = 0x00000004;
const PaStreamCallbackFlags paInputUnderflow = 0x1, paInputOverflow = 0x2, paOutputUnderflow = 0x4,
                            paOutputOverflow = 0x8;
const int paContinue = 0;
const int paHostApiJack = 12;
}

// Function table filled by dlsym.
struct PaApi {
  PaError (*Initialize)();
  PaError (*Terminate)();
  const char *(*GetErrorText)(PaError);
  const PaVersionInfo *(*GetVersionInfo)();
  PaHostApiIndex (*GetHostApiCount)();
  const PaHostApiInfo *(*GetHostApiInfo)(PaHostApiIndex);
  PaDeviceIndex (*GetDeviceCount)();
  const PaDeviceInfo *(*GetDeviceInfo)(PaDeviceIndex);
  PaDeviceIndex (*GetDefaultInputDevice)();
  PaDeviceIndex (*GetDefaultOutputDevice)();
  PaError (*OpenStream)(PaStream **, const PaStreamParameters *, const PaStreamParameters *, double,
                        unsigned long, PaStreamFlags, PaStreamCallback *, void *);
  PaError (*StartStream)(PaStream *);
  PaError (*StopStream)(PaStream *);
  PaError (*AbortStream)(PaStream *);
  PaError (*CloseStream)(PaStream *);
  const PaStreamInfo *(*GetStreamInfo)(PaStream *);
  PaError (*JackSetClientName)(const char *);  // optional: only in builds with the JACK host API
};
