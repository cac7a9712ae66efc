// mixd's realtime PortAudio binding. The PortAudio callback never waits on JavaScript: it exchanges frames with
// the audio worker through two lock-free SPSC rings, plays silence and counts an underrun when the worker is
// late, and wakes the worker with a semaphore post (non-blocking). The worker calls pull() (blocks on the
// semaphore with a timeout, on its own thread), runs the engine on the block and calls push().
//
// PortAudio is process-global, so this module holds one library handle and at most one stream.
#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <unistd.h>
#include <node_api.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "portaudio_api.h"
#include "spsc_ring.h"

namespace {

PaApi pa{};
void *paHandle = nullptr;
std::string paPath;
bool paInitialized = false;
bool paWedged = false;  // a stop/close/terminate never returned: this instance is abandoned
int paGeneration = 0;   // instances loaded after abandoning wedged ones

// libjack and libasound print to stderr on their own; collect their messages for mixd's log instead.
std::mutex messagesMutex;
std::vector<std::string> messages;
void pushMessage(const std::string &m) {
  std::lock_guard<std::mutex> lock(messagesMutex);
  if (messages.size() < 256) messages.push_back(m);
}
void onJackMessage(const char *msg) { pushMessage(std::string("jack: ") + msg); }
void onAlsaMessage(const char *file, int line, const char *fn, int err, const char *fmt, ...) {
  (void)file, (void)line, (void)fn, (void)err;
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  pushMessage(std::string("alsa: ") + buf);
}

uint64_t nowNs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

// Counters written by the callback (relaxed: they are statistics) and published to JS by pull().
enum Stat {
  kCallbacks,
  kUnderruns,
  kInputOverflows,
  kOutputOverflows,
  kDroppedFrames,
  kDeviceInputOverflow,
  kDeviceOutputUnderflow,
  kLastCallbackAgeMs,
  kCallbackFrames,
  kCatchUpUnderruns,
  kStatCount
};

struct Stream {
  PaStream *handle = nullptr;
  SpscRing in, out;
  uint32_t inChannels = 0, outChannels = 0, blockFrames = 0, primeFrames = 0;
  uint64_t deadNs = 500000000ull;
  // Callback-thread only: when the previous callback ran, and the nominal period (to tell catch-up cycles).
  uint64_t prevCallbackNs = 0;
  double nsPerFrame = 0;
  // Callback-thread only: input frames queued for the worker so far. Output frame x answers input frame
  // x − prime, so this count says which output frames the current cycle is due to play.
  uint64_t inputQueued = 0;
  // When input had to be dropped (the worker stalled for a whole ring), the answers to what was queued before
  // belong to cycles long gone: output frames before this position are all stale.
  uint64_t dueFloor = 0;
  sem_t ready;
  std::atomic<uint64_t> counters[kStatCount];
  std::atomic<uint64_t> lastCallbackNs{0};
  std::atomic<bool> running{false};
  uint64_t startedNs = 0;
  // JS-owned buffers registered at open (kept alive by references).
  float *inBlock = nullptr, *outBlock = nullptr;
  double *stats = nullptr;
  napi_ref refs[3] = {nullptr, nullptr, nullptr};
  Stream() {
    sem_init(&ready, 0, 0);
    for (auto &c : counters) c.store(0);
  }
};
Stream *stream = nullptr;

int onAudio(const void *input, void *output, unsigned long frameCount, const PaStreamCallbackTimeInfo *,
            PaStreamCallbackFlags flags, void *user) {
  Stream *s = static_cast<Stream *>(user);
  uint32_t frames = uint32_t(frameCount);
  uint64_t now = nowNs();
  uint64_t interval = now - s->prevCallbackNs;
  s->prevCallbackNs = now;
  s->lastCallbackNs.store(now, std::memory_order_release);
  s->counters[kCallbacks].fetch_add(1, std::memory_order_relaxed);
  s->counters[kCallbackFrames].store(frames, std::memory_order_relaxed);
  if (flags & (paInputOverflow | paInputUnderflow))
    s->counters[kDeviceInputOverflow].fetch_add(1, std::memory_order_relaxed);
  if (flags & (paOutputUnderflow | paOutputOverflow))
    s->counters[kDeviceOutputUnderflow].fetch_add(1, std::memory_order_relaxed);

  // Output before input: the block played now can only answer an earlier cycle's input, never this one's,
  // however fast the worker polls.
  float *const *out = static_cast<float *const *>(output);
  uint64_t avail = s->out.readable();
  // This cycle is due the output frames from `due` on: the answers to the newest queued input, one block (or,
  // when the host's period is longer, one period) ago. Older frames are answers that came too late for their
  // own cycle (which played silence): they are skipped, so every block plays in its own cycle or not at all
  // and the added latency never moves. Positions, not a tally: nothing can drift.
  uint64_t latency = std::max<uint64_t>(s->primeFrames, frames);
  uint64_t due = s->inputQueued + s->primeFrames > latency ? s->inputQueued + s->primeFrames - latency : 0;
  due = std::max(due, s->dueFloor);
  uint64_t readAt = s->out.readPosition();
  if (readAt < due && avail > 0) {
    uint64_t stale = std::min(due - readAt, avail);
    s->out.skip(stale);
    avail -= stale;
    s->counters[kDroppedFrames].fetch_add(stale, std::memory_order_relaxed);
  }
  if (avail >= frames) {
    s->out.readPlanar(out, s->outChannels, frames);
  } else {
    for (uint32_t c = 0; c < s->outChannels; c++) std::memset(out[c], 0, sizeof(float) * frames);
    s->counters[kUnderruns].fetch_add(1, std::memory_order_relaxed);
    // A cycle that follows the previous one by under half a period is the server catching up after it woke
    // late itself: the worker had no time to answer, so the underrun is the server's lateness, not mixd's.
    if (double(interval) < 0.5 * s->nsPerFrame * frames) s->counters[kCatchUpUnderruns].fetch_add(1, std::memory_order_relaxed);
  }

  if (s->in.writable() >= frames) {
    s->in.writePlanar(static_cast<const float *const *>(input), input ? s->inChannels : 0, frames);
    s->inputQueued += frames;
  } else {
    s->dueFloor = s->inputQueued + s->primeFrames;
    s->counters[kInputOverflows].fetch_add(1, std::memory_order_relaxed);
  }
  sem_post(&s->ready);
  return paContinue;
}

// ---- N-API helpers ----
#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, nullptr, "mixd_audio: N-API call failed"); \
      return nullptr;                                                 \
    }                                                                 \
  } while (0)

napi_value throwError(napi_env env, const std::string &msg) {
  napi_throw_error(env, nullptr, msg.c_str());
  return nullptr;
}
void setNumber(napi_env env, napi_value obj, const char *key, double v) {
  napi_value n;
  napi_create_double(env, v, &n);
  napi_set_named_property(env, obj, key, n);
}
void setString(napi_env env, napi_value obj, const char *key, const char *v) {
  napi_value s;
  napi_create_string_utf8(env, v ? v : "", NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, key, s);
}
void setBool(napi_env env, napi_value obj, const char *key, bool v) {
  napi_value b;
  napi_get_boolean(env, v, &b);
  napi_set_named_property(env, obj, key, b);
}
bool getNumber(napi_env env, napi_value obj, const char *key, double *out) {
  napi_value v;
  napi_valuetype t;
  if (napi_get_named_property(env, obj, key, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok ||
      t != napi_number)
    return false;
  return napi_get_value_double(env, v, out) == napi_ok;
}
std::string getString(napi_env env, napi_value v) {
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &len) != napi_ok) return "";
  std::string s(len, '\0');
  napi_get_value_string_utf8(env, v, s.data(), len + 1, &len);
  return s;
}
template <typename T>
T *typedArrayData(napi_env env, napi_value v, napi_typedarray_type want, size_t *length) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) return nullptr;
  napi_typedarray_type type;
  void *data;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &ab, &offset) != napi_ok || type != want)
    return nullptr;
  return static_cast<T *>(data);
}

// Runs a PortAudio call that may hang on a dead server (stop/close/terminate) with a deadline.
bool runWithDeadline(std::function<void()> fn, int ms) {
  auto task = std::make_shared<std::packaged_task<void()>>(fn);
  auto done = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (done.wait_for(std::chrono::milliseconds(ms)) == std::future_status::ready) return true;
  paWedged = true;
  return false;
}

#define SYM(field, name)                                                                       \
  api.field = reinterpret_cast<decltype(api.field)>(dlsym(handle, name));                      \
  if (!api.field) return std::string(name);

// Resolves the PortAudio functions of one loaded library instance; returns the missing symbol, if any.
std::string resolve(void *handle, PaApi &api) {
  SYM(Initialize, "Pa_Initialize") SYM(Terminate, "Pa_Terminate") SYM(GetErrorText, "Pa_GetErrorText");
  SYM(GetVersionInfo, "Pa_GetVersionInfo") SYM(GetHostApiCount, "Pa_GetHostApiCount");
  SYM(GetHostApiInfo, "Pa_GetHostApiInfo") SYM(GetDeviceCount, "Pa_GetDeviceCount");
  SYM(GetDeviceInfo, "Pa_GetDeviceInfo") SYM(GetDefaultInputDevice, "Pa_GetDefaultInputDevice");
  SYM(GetDefaultOutputDevice, "Pa_GetDefaultOutputDevice") SYM(OpenStream, "Pa_OpenStream");
  SYM(StartStream, "Pa_StartStream") SYM(StopStream, "Pa_StopStream") SYM(AbortStream, "Pa_AbortStream");
  SYM(CloseStream, "Pa_CloseStream") SYM(GetStreamInfo, "Pa_GetStreamInfo");
  api.JackSetClientName = reinterpret_cast<decltype(api.JackSetClientName)>(dlsym(handle, "PaJack_SetClientName"));
  return "";
}

void hookLibraryMessages() {
  // libjack/libasound came in as dependencies of libportaudio; route their chatter into our log.
  if (auto f = reinterpret_cast<void (*)(void (*)(const char *))>(dlsym(RTLD_DEFAULT, "jack_set_error_function"))) f(onJackMessage);
  if (auto f = reinterpret_cast<void (*)(void (*)(const char *))>(dlsym(RTLD_DEFAULT, "jack_set_info_function"))) f(onJackMessage);
  if (auto f = reinterpret_cast<int (*)(decltype(&onAlsaMessage))>(dlsym(RTLD_DEFAULT, "snd_lib_error_set_handler"))) f(onAlsaMessage);
}

// PortAudio's JACK host API waits up to 10 minutes for a dead server to acknowledge a stop, so a stream
// on a vanished jackd can't be closed in time. Its instance is then abandoned (the stuck thread keeps its
// memory) and a private copy of the same library is loaded: fresh globals, a fresh JACK client.
std::string loadFreshInstance() {
  char tmpl[] = "/tmp/mixd-portaudio-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) return std::string("mkstemp failed: ") + strerror(errno);
  FILE *src = fopen(paPath.c_str(), "rb");
  bool copied = src != nullptr;
  char buf[65536];
  size_t n;
  while (copied && (n = fread(buf, 1, sizeof buf, src)) > 0) copied = write(fd, buf, n) == ssize_t(n);
  if (src) fclose(src);
  close(fd);
  // DEEPBIND: the copy must call its own functions, not the abandoned instance's global symbols.
  void *h = copied ? dlopen(tmpl, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) : nullptr;
  std::string err = h ? "" : (copied ? dlerror() : "copy failed");
  unlink(tmpl);
  if (!h) return "could not load a fresh PortAudio instance: " + err;
  PaApi api{};
  std::string missing = resolve(h, api);
  if (!missing.empty()) return "fresh PortAudio instance lacks " + missing;
  pa = api;
  paHandle = h;
  paInitialized = false;
  paWedged = false;
  paGeneration++;
  return "";
}

// load(paths: string[]) → { path, version, hasJackApi } ; tries each path in order.
napi_value Load(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (!paHandle) {
    uint32_t n = 0;
    if (argc < 1 || napi_get_array_length(env, argv[0], &n) != napi_ok)
      return throwError(env, "load(paths): paths must be an array of strings");
    std::string tried;
    for (uint32_t i = 0; i < n && !paHandle; i++) {
      napi_value el;
      napi_get_element(env, argv[0], i, &el);
      std::string p = getString(env, el);
      // RTLD_GLOBAL: naudiodon, loaded later in the same process, then binds to this same library.
      void *h = dlopen(p.c_str(), RTLD_NOW | RTLD_GLOBAL);
      if (!h) {
        tried += "\n  " + p + ": " + dlerror();
        continue;
      }
      PaApi api{};
      std::string missing = resolve(h, api);
      if (!missing.empty()) {
        tried += "\n  " + p + ": lacks " + missing;
        dlclose(h);
        continue;
      }
      pa = api;
      paHandle = h;
      // Keep the file the loader actually found: a fresh instance is copied from it later.
      link_map *lm = nullptr;
      paPath = dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name && *lm->l_name ? lm->l_name : p;
    }
    if (!paHandle) return throwError(env, "no usable libportaudio.so.2; tried:" + tried);
    hookLibraryMessages();
  }
  napi_value result;
  napi_create_object(env, &result);
  setString(env, result, "path", paPath.c_str());
  setString(env, result, "version", pa.GetVersionInfo()->versionText);
  setBool(env, result, "hasJackApi", pa.JackSetClientName != nullptr);
  setNumber(env, result, "generation", paGeneration);
  return result;
}

// Throws (returns false) unless a usable PortAudio instance is loaded, replacing a wedged one first.
bool ensureUsable(napi_env env) {
  if (!paHandle) return throwError(env, "PortAudio is not loaded: call load() first"), false;
  if (paWedged) {
    std::string err = loadFreshInstance();
    if (!err.empty()) return throwError(env, err), false;
  }
  return true;
}

// initialize(clientName?) → { hostApis, devices, defaultInput, defaultOutput }
napi_value Initialize(napi_env env, napi_callback_info info) {
  if (!ensureUsable(env)) return nullptr;
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (!paInitialized) {
    napi_valuetype t = napi_undefined;
    if (argc >= 1) napi_typeof(env, argv[0], &t);
    if (t == napi_string && pa.JackSetClientName) {
      static std::string clientName;  // PortAudio keeps the pointer
      clientName = getString(env, argv[0]);
      pa.JackSetClientName(clientName.c_str());
    }
    PaError err = pa.Initialize();
    if (err != 0) return throwError(env, std::string("Pa_Initialize failed: ") + pa.GetErrorText(err));
    paInitialized = true;
  }
  napi_value result, apis, devs;
  napi_create_object(env, &result);
  napi_create_array(env, &apis);
  napi_create_array(env, &devs);
  for (int i = 0; i < pa.GetHostApiCount(); i++) {
    const PaHostApiInfo *h = pa.GetHostApiInfo(i);
    napi_value o;
    napi_create_object(env, &o);
    setNumber(env, o, "index", i);
    setString(env, o, "name", h->name);
    setNumber(env, o, "type", h->type);
    setNumber(env, o, "deviceCount", h->deviceCount);
    setNumber(env, o, "defaultInput", h->defaultInputDevice);
    setNumber(env, o, "defaultOutput", h->defaultOutputDevice);
    napi_set_element(env, apis, i, o);
  }
  for (int i = 0; i < pa.GetDeviceCount(); i++) {
    const PaDeviceInfo *d = pa.GetDeviceInfo(i);
    napi_value o;
    napi_create_object(env, &o);
    setNumber(env, o, "index", i);
    setString(env, o, "name", d->name);
    setNumber(env, o, "hostApi", d->hostApi);
    setNumber(env, o, "maxInputChannels", d->maxInputChannels);
    setNumber(env, o, "maxOutputChannels", d->maxOutputChannels);
    setNumber(env, o, "defaultSampleRate", d->defaultSampleRate);
    setNumber(env, o, "defaultLowInputLatency", d->defaultLowInputLatency);
    setNumber(env, o, "defaultLowOutputLatency", d->defaultLowOutputLatency);
    setNumber(env, o, "defaultHighInputLatency", d->defaultHighInputLatency);
    setNumber(env, o, "defaultHighOutputLatency", d->defaultHighOutputLatency);
    napi_set_element(env, devs, i, o);
  }
  napi_set_named_property(env, result, "hostApis", apis);
  napi_set_named_property(env, result, "devices", devs);
  setNumber(env, result, "defaultInput", pa.GetDefaultInputDevice());
  setNumber(env, result, "defaultOutput", pa.GetDefaultOutputDevice());
  return result;
}

// Stops and closes the stream and terminates PortAudio, each with a deadline; true when all returned.
bool shutdownPortAudio(int deadlineMs) {
  bool ok = true;
  if (stream && stream->handle) {
    Stream *s = stream;
    s->running.store(false);
    ok = runWithDeadline([s] { pa.AbortStream(s->handle); pa.CloseStream(s->handle); }, deadlineMs);
    if (ok) s->handle = nullptr;
  }
  if (ok && paInitialized) {
    ok = runWithDeadline([] { pa.Terminate(); }, deadlineMs);
    if (ok) paInitialized = false;
  }
  return ok;
}

// Drops the JS references (none to drop when the environment itself is going away: env == nullptr).
void releaseStream(napi_env env) {
  if (!stream) return;
  for (auto &r : stream->refs)
    if (env && r) napi_delete_reference(env, r), r = nullptr;
  // A stream whose close never returned may still be called back: leak it rather than free under it.
  if (!stream->handle) {
    sem_destroy(&stream->ready);
    delete stream;
  }
  stream = nullptr;
}

// open({input, output, inChannels, outChannels, sampleRate, blockFrames, suggestedLatency, ringBlocks, deadMs},
//      inBlock: Float32Array, outBlock: Float32Array, stats: Float64Array) → { inputLatency, outputLatency, sampleRate }
napi_value Open(napi_env env, napi_callback_info info) {
  if (!ensureUsable(env)) return nullptr;
  if (!paInitialized) return throwError(env, "open(): call initialize() first");
  if (stream) return throwError(env, "open(): a stream is already open");
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 4) return throwError(env, "open(options, inBlock, outBlock, stats) takes 4 arguments");
  double input = -1, output = -1, inCh = 0, outCh = 0, rate = 0, block = 0, latency = 0, ringBlocks = 8, deadMs = 500;
  if (!getNumber(env, argv[0], "input", &input) || !getNumber(env, argv[0], "output", &output) ||
      !getNumber(env, argv[0], "inChannels", &inCh) || !getNumber(env, argv[0], "outChannels", &outCh) ||
      !getNumber(env, argv[0], "sampleRate", &rate) || !getNumber(env, argv[0], "blockFrames", &block))
    return throwError(env, "open(): options need numeric input, output, inChannels, outChannels, sampleRate, blockFrames");
  getNumber(env, argv[0], "suggestedLatency", &latency);
  getNumber(env, argv[0], "ringBlocks", &ringBlocks);
  getNumber(env, argv[0], "deadMs", &deadMs);
  if (block < 16 || block > 8192 || outCh < 1 || inCh < 0 || ringBlocks < 3)
    return throwError(env, "open(): blockFrames 16..8192, outChannels ≥ 1, inChannels ≥ 0, ringBlocks ≥ 3");
  size_t inLen = 0, outLen = 0, statsLen = 0;
  float *inBlock = typedArrayData<float>(env, argv[1], napi_float32_array, &inLen);
  float *outBlock = typedArrayData<float>(env, argv[2], napi_float32_array, &outLen);
  double *stats = typedArrayData<double>(env, argv[3], napi_float64_array, &statsLen);
  if (!inBlock || !outBlock || !stats || inLen < size_t(std::max(1.0, inCh) * block) ||
      outLen < size_t(outCh * block) || statsLen < kStatCount)
    return throwError(env, "open(): inBlock/outBlock must be Float32Arrays of channels×blockFrames, stats a Float64Array of " +
                               std::to_string(kStatCount));

  auto *s = new Stream();
  s->inChannels = uint32_t(inCh);
  s->outChannels = uint32_t(outCh);
  s->blockFrames = uint32_t(block);
  s->primeFrames = uint32_t(block);
  s->deadNs = uint64_t(deadMs * 1e6);
  s->in.reset(std::max(1u, s->inChannels), uint32_t(block * ringBlocks));
  // Room for the answers to a full input ring on top of the prime and a cycle: after a long stall the worker
  // answers its whole backlog at once, and a push that found no room would lose a block for good.
  s->out.reset(s->outChannels, uint32_t(block * (2 * ringBlocks + 2)));
  s->out.writeSilence(s->primeFrames);  // one block in flight: the added latency is exactly one period
  s->inBlock = inBlock;
  s->outBlock = outBlock;
  s->stats = stats;
  for (int i = 0; i < 3; i++) napi_create_reference(env, argv[i + 1], 1, &s->refs[i]);

  PaStreamParameters inP{int(input), int(inCh), paFloat32 | paNonInterleaved, latency, nullptr};
  PaStreamParameters outP{int(output), int(outCh), paFloat32 | paNonInterleaved, latency, nullptr};
  // framesPerBuffer unspecified: the callback gets the host's own buffer (the JACK period) with no
  // extra buffering inside PortAudio.
  PaError err = pa.OpenStream(&s->handle, inCh > 0 && input >= 0 ? &inP : nullptr, &outP, rate, 0,
                              paClipOff | paDitherOff, onAudio, s);
  if (err != 0) {
    stream = s;
    s->handle = nullptr;
    releaseStream(env);
    return throwError(env, std::string("Pa_OpenStream failed: ") + pa.GetErrorText(err));
  }
  stream = s;
  const PaStreamInfo *si = pa.GetStreamInfo(s->handle);
  s->nsPerFrame = 1e9 / (si && si->sampleRate > 0 ? si->sampleRate : rate);
  napi_value result;
  napi_create_object(env, &result);
  setNumber(env, result, "inputLatency", si ? si->inputLatency : 0);
  setNumber(env, result, "outputLatency", si ? si->outputLatency : 0);
  setNumber(env, result, "sampleRate", si ? si->sampleRate : rate);
  return result;
}

napi_value Start(napi_env env, napi_callback_info) {
  if (!stream || !stream->handle) return throwError(env, "start(): no open stream");
  stream->startedNs = nowNs();
  stream->lastCallbackNs.store(stream->startedNs);
  stream->running.store(true);
  PaError err = pa.StartStream(stream->handle);
  if (err != 0) {
    stream->running.store(false);
    return throwError(env, std::string("Pa_StartStream failed: ") + pa.GetErrorText(err));
  }
  return nullptr;
}

void publishStats(Stream *s) {
  for (int i = 0; i < kStatCount; i++) s->stats[i] = double(s->counters[i].load(std::memory_order_relaxed));
  s->stats[kLastCallbackAgeMs] = double(nowNs() - s->lastCallbackNs.load(std::memory_order_acquire)) / 1e6;
}

// pull(timeoutMs) → 1: a block is in inBlock; 0: timed out; -1: device dead (no callback for deadMs).
napi_value Pull(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  double timeoutMs = 0;
  if (argc >= 1) napi_get_value_double(env, argv[0], &timeoutMs);
  int32_t rc = 0;
  Stream *s = stream;
  if (!s || !s->running.load()) {
    rc = -1;
  } else {
    uint64_t deadline = nowNs() + uint64_t(timeoutMs * 1e6);
    for (;;) {
      if (s->in.readable() >= s->blockFrames) {
        s->in.readBlock(s->inBlock, s->blockFrames);
        rc = 1;
        break;
      }
      uint64_t now = nowNs();
      if (now - s->lastCallbackNs.load(std::memory_order_acquire) > s->deadNs) {
        rc = -1;
        break;
      }
      if (now >= deadline) break;
      // Wait at most 50 ms at a time so a dead device is noticed even with long timeouts.
      uint64_t until = std::min<uint64_t>(deadline, now + 50000000ull);
      timespec ts{time_t(until / 1000000000ull), long(until % 1000000000ull)};
      sem_clockwait(&s->ready, CLOCK_MONOTONIC, &ts);
    }
    publishStats(s);
  }
  napi_value result;
  napi_create_int32(env, rc, &result);
  return result;
}

// push() → 1 when outBlock was queued, 0 when the output ring was full (counted).
napi_value Push(napi_env env, napi_callback_info) {
  int32_t rc = 0;
  Stream *s = stream;
  if (s && s->out.writable() >= s->blockFrames) {
    s->out.writeBlock(s->outBlock, s->blockFrames);
    rc = 1;
  } else if (s) {
    s->counters[kOutputOverflows].fetch_add(1, std::memory_order_relaxed);
  }
  napi_value result;
  napi_create_int32(env, rc, &result);
  return result;
}

// close(deadlineMs = 1000) → true when PortAudio stopped, closed and terminated in time.
napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  double deadlineMs = 1000;
  if (argc >= 1) napi_get_value_double(env, argv[0], &deadlineMs);
  bool ok = paWedged ? false : shutdownPortAudio(int(deadlineMs));
  releaseStream(env);
  napi_value result;
  napi_get_boolean(env, ok, &result);
  return result;
}

// drainMessages() → string[]: what libjack/libasound said since the last call.
napi_value DrainMessages(napi_env env, napi_callback_info) {
  std::vector<std::string> taken;
  {
    std::lock_guard<std::mutex> lock(messagesMutex);
    taken.swap(messages);
  }
  napi_value arr;
  napi_create_array_with_length(env, taken.size(), &arr);
  for (size_t i = 0; i < taken.size(); i++) {
    napi_value s;
    napi_create_string_utf8(env, taken[i].c_str(), taken[i].size(), &s);
    napi_set_element(env, arr, uint32_t(i), s);
  }
  return arr;
}

// setRealtimePriority(priority) → "" or why not. Puts the calling thread (the audio worker) on SCHED_FIFO
// so its wake-up after the callback's post doesn't queue behind ordinary threads; 0 → back to SCHED_OTHER.
// Needs RLIMIT_RTPRIO (systemd LimitRTPRIO=) or CAP_SYS_NICE.
napi_value SetRealtimePriority(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t prio = 0;
  if (argc >= 1) napi_get_value_int32(env, argv[0], &prio);
  sched_param sp{};
  sp.sched_priority = prio;
  int err = pthread_setschedparam(pthread_self(), prio > 0 ? SCHED_FIFO : SCHED_OTHER, &sp);
  napi_value result;
  napi_create_string_utf8(env, err ? strerror(err) : "", NAPI_AUTO_LENGTH, &result);
  return result;
}

// The worker that owned the stream is going away (exit or terminate): never leave a callback running
// into freed JS buffers.
void onEnvCleanup(void *) {
  if (stream && !paWedged) shutdownPortAudio(1000);
  releaseStream(nullptr);
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"load", nullptr, Load, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"initialize", nullptr, Initialize, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"start", nullptr, Start, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"pull", nullptr, Pull, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"push", nullptr, Push, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"drainMessages", nullptr, DrainMessages, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setRealtimePriority", nullptr, SetRealtimePriority, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value statCount;
  napi_create_int32(env, kStatCount, &statCount);
  napi_set_named_property(env, exports, "statCount", statCount);
  napi_add_env_cleanup_hook(env, onEnvCleanup, nullptr);
  return exports;
}
