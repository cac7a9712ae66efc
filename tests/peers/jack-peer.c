/*
 * jack-peer - mixd's own "outside" JACK peer for realtime tests.
 *
 * Plays a known signal into another client's inputs and records that client's outputs, sample-aligned,
 * in one process callback, so a test can compare what went in with what came out frame by frame.
 *
 *   jack-peer --name NAME --seconds S
 *             [--play FILE.f32 --play-channels N] [--record FILE.f32 --record-channels M]
 *             [--connect-out "mixd:in_0,mixd:in_1"] [--connect-in "mixd:out_0,mixd:out_1"] [--server NAME]
 *
 * Ports: out_1..out_N (played), in_1..in_M (recorded). Files: raw interleaved float32, native (LE) order.
 * Play and record start together at the first cycle after every connection is visible to the process
 * thread; the play file loops. One JSON line on stdout at the end (counters cover the run only):
 *   {"cycles":..,"xruns":..,"frames":..,"period":..,"rate":..,"shutdown":false,"startFrame":..}
 * Exit: 0 ok (also after SIGTERM/SIGINT, with fewer frames), 2 bad args/files, 3 connection failure,
 * 4 JACK failure (cannot open/activate, or the server shut down mid-run: file and JSON are still written).
 *
 * Build: gcc -O2 -std=gnu11 jack-peer.c -o jack-peer -ljack -lm -lpthread
 */
#include <errno.h>
#include <jack/jack.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define MAX_CH 64

enum { IDLE, ARMED, RUNNING, DONE };

/* Everything the process callback touches is allocated before jack_activate (no malloc/IO in RT). */
static struct {
  jack_client_t *client;
  int nplay, nrec;
  jack_port_t *out[MAX_CH], *in[MAX_CH];
  float *play[MAX_CH]; /* planar copy of the play file, so the callback can memcpy */
  float *rec[MAX_CH];  /* planar, total frames each; interleaved only after deactivation */
  size_t playFrames, playPos, total;
  atomic_size_t pos;                          /* frames played and recorded so far */
  atomic_int state;                           /* IDLE -> ARMED (main) -> RUNNING -> DONE (callback) */
  atomic_uint cycles, xruns, period, startFrame;
  atomic_int shutdown;
} g;

static volatile sig_atomic_t stopSignal;

static void onSignal(int sig) { stopSignal = sig; }
static void onShutdown(void *arg) { (void)arg; atomic_store(&g.shutdown, 1); }

/* Called from JACK's notification thread; only xruns during the run are ours to report. */
static int onXrun(void *arg) {
  (void)arg;
  if (atomic_load(&g.state) == RUNNING) atomic_fetch_add(&g.xruns, 1);
  return 0;
}

static int process(jack_nframes_t nframes, void *arg) {
  (void)arg;
  int st = atomic_load_explicit(&g.state, memory_order_acquire);
  if (st == ARMED) { /* first cycle boundary after main armed us: this cycle is frame 0 */
    atomic_store(&g.startFrame, jack_last_frame_time(g.client));
    atomic_store(&g.period, nframes);
    atomic_store_explicit(&g.state, st = RUNNING, memory_order_release);
  }
  size_t pos = atomic_load_explicit(&g.pos, memory_order_relaxed), n = 0;
  if (st == RUNNING) {
    n = g.total - pos < nframes ? g.total - pos : nframes;
    atomic_fetch_add_explicit(&g.cycles, 1, memory_order_relaxed);
  }
  /* Record before playing: an input fed by our own output may share that output's buffer. */
  for (int j = 0; j < g.nrec; j++) {
    const float *in = jack_port_get_buffer(g.in[j], nframes);
    if (n) memcpy(g.rec[j] + pos, in, n * sizeof(float));
  }
  for (int i = 0; i < g.nplay; i++) {
    float *out = jack_port_get_buffer(g.out[i], nframes);
    size_t done = 0, p = g.playPos;
    while (done < n) { /* loop the play file, possibly wrapping mid-cycle */
      size_t chunk = g.playFrames - p < n - done ? g.playFrames - p : n - done;
      memcpy(out + done, g.play[i] + p, chunk * sizeof(float));
      done += chunk;
      p = (p + chunk) % g.playFrames;
    }
    memset(out + n, 0, (nframes - n) * sizeof(float)); /* silence before and after the run */
  }
  if (n) {
    if (g.nplay) g.playPos = (g.playPos + n) % g.playFrames;
    atomic_store_explicit(&g.pos, pos + n, memory_order_relaxed);
    if (pos + n == g.total) atomic_store_explicit(&g.state, DONE, memory_order_release);
  }
  return 0;
}

static void usage(const char *msg) {
  fprintf(stderr, "jack-peer: %s\nusage: jack-peer --name NAME --seconds S [--play F --play-channels N] "
                  "[--record F --record-channels M] [--connect-out A,B] [--connect-in A,B] [--server NAME]\n",
          msg);
  exit(2);
}

/* Splits a comma list in place; returns the count or -1 if above max. */
static int splitList(char *s, char **items, int max) {
  int n = 0;
  for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
    if (n == max) return -1;
    items[n++] = tok;
  }
  return n;
}

/* Pre-faults a buffer so the RT thread never takes a page fault on first touch. */
static float *allocTouched(size_t floats) {
  float *p = malloc((floats ? floats : 1) * sizeof(float));
  if (!p) { fprintf(stderr, "jack-peer: out of memory\n"); exit(4); }
  for (size_t k = 0; k < floats; k += 1024) ((volatile float *)p)[k] = 0.0f;
  return p;
}

static void loadPlay(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "jack-peer: cannot open --play %s: %s\n", path, strerror(errno)); exit(2); }
  fseek(f, 0, SEEK_END);
  long bytes = ftell(f);
  rewind(f);
  size_t frameBytes = (size_t)g.nplay * sizeof(float);
  if (bytes <= 0 || (size_t)bytes % frameBytes) usage("--play file is empty or not a whole number of frames");
  g.playFrames = (size_t)bytes / frameBytes;
  float *inter = malloc((size_t)bytes);
  if (!inter || fread(inter, 1, (size_t)bytes, f) != (size_t)bytes) usage("cannot read --play file");
  fclose(f);
  for (int i = 0; i < g.nplay; i++) {
    g.play[i] = allocTouched(g.playFrames);
    for (size_t k = 0; k < g.playFrames; k++) g.play[i][k] = inter[k * g.nplay + i];
  }
  free(inter);
}

/* Interleaves what was recorded (possibly less than total after a signal or shutdown). */
static void writeRecord(const char *path, size_t frames) {
  FILE *f = fopen(path, "wb");
  if (!f) { fprintf(stderr, "jack-peer: cannot write --record %s: %s\n", path, strerror(errno)); exit(4); }
  float buf[4096];
  size_t per = sizeof buf / sizeof buf[0] / (size_t)g.nrec;
  for (size_t k = 0; k < frames; k += per) {
    size_t m = frames - k < per ? frames - k : per;
    for (size_t t = 0; t < m; t++)
      for (int j = 0; j < g.nrec; j++) buf[t * g.nrec + j] = g.rec[j][k + t];
    fwrite(buf, sizeof(float), m * (size_t)g.nrec, f);
  }
  if (fclose(f)) { fprintf(stderr, "jack-peer: writing %s failed\n", path); exit(4); }
}

static void sleepMs(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* jack_connect returns once the server accepted the edge; the process thread sees it only after the
 * server switches graph state at a cycle start. jack_port_connected_to reads that current state. */
static int waitVisible(jack_port_t *port, const char *other) {
  for (int t = 0; t < 2000 && !stopSignal && !atomic_load(&g.shutdown); t++) {
    if (jack_port_connected_to(port, other)) return 0;
    sleepMs(1);
  }
  return stopSignal || atomic_load(&g.shutdown) ? 0 : -1;
}

static void failConnect(const char *src, const char *dst, const char *why) {
  fprintf(stderr, "jack-peer: cannot connect %s -> %s (%s)\n", src, dst, why);
  jack_deactivate(g.client);
  jack_client_close(g.client);
  exit(3);
}

int main(int argc, char **argv) {
  const char *name = NULL, *playPath = NULL, *recPath = NULL, *server = NULL;
  char *connOut = NULL, *connIn = NULL;
  double seconds = -1;
  long settleMs = 0;
  for (int a = 1; a < argc; a++) {
    const char *k = argv[a], *v = a + 1 < argc ? argv[a + 1] : NULL;
    if (!v) usage("missing value");
    a++;
    if (!strcmp(k, "--name")) name = v;
    else if (!strcmp(k, "--play")) playPath = v;
    else if (!strcmp(k, "--play-channels")) g.nplay = atoi(v);
    else if (!strcmp(k, "--record")) recPath = v;
    else if (!strcmp(k, "--record-channels")) g.nrec = atoi(v);
    else if (!strcmp(k, "--seconds")) seconds = strtod(v, NULL);
    else if (!strcmp(k, "--connect-out")) connOut = strdup(v);
    else if (!strcmp(k, "--connect-in")) connIn = strdup(v);
    else if (!strcmp(k, "--server")) server = v;
    else if (!strcmp(k, "--settle-ms")) settleMs = atol(v);
    else usage("unknown option");
  }
  if (!name || !*name) usage("--name is required");
  if (!(seconds > 0)) usage("--seconds must be > 0");
  if (g.nplay < 0 || g.nplay > MAX_CH || g.nrec < 0 || g.nrec > MAX_CH) usage("bad channel count");
  if (!playPath != !g.nplay) usage("--play and --play-channels go together");
  if (!recPath != !g.nrec) usage("--record and --record-channels go together");
  char *outTargets[MAX_CH], *inSources[MAX_CH];
  int nOut = connOut ? splitList(connOut, outTargets, g.nplay) : 0;
  int nIn = connIn ? splitList(connIn, inSources, g.nrec) : 0;
  if (nOut < 0 || nIn < 0) usage("more --connect-out/--connect-in ports than channels");
  if (playPath) loadPlay(playPath);

  jack_status_t status;
  jack_options_t opts = JackNoStartServer | JackUseExactName | (server ? JackServerName : 0);
  g.client = jack_client_open(name, opts, &status, server);
  if (!g.client) { fprintf(stderr, "jack-peer: jack_client_open failed (status 0x%x)\n", status); return 4; }
  char pn[32];
  for (int i = 0; i < g.nplay; i++) {
    snprintf(pn, sizeof pn, "out_%d", i + 1);
    g.out[i] = jack_port_register(g.client, pn, JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    if (!g.out[i]) { fprintf(stderr, "jack-peer: cannot register %s\n", pn); return 4; }
  }
  for (int j = 0; j < g.nrec; j++) {
    snprintf(pn, sizeof pn, "in_%d", j + 1);
    g.in[j] = jack_port_register(g.client, pn, JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (!g.in[j]) { fprintf(stderr, "jack-peer: cannot register %s\n", pn); return 4; }
  }
  unsigned rate = jack_get_sample_rate(g.client);
  g.total = (size_t)llround(seconds * rate);
  for (int j = 0; j < g.nrec; j++) g.rec[j] = allocTouched(g.total);
  mlockall(MCL_CURRENT | MCL_FUTURE); /* best effort: pre-touching already avoids the first faults */

  struct sigaction sa = {0};
  sa.sa_handler = onSignal; /* no SA_RESTART: nanosleep returns early */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  jack_set_process_callback(g.client, process, NULL);
  jack_set_xrun_callback(g.client, onXrun, NULL);
  jack_on_shutdown(g.client, onShutdown, NULL);
  if (jack_activate(g.client)) { fprintf(stderr, "jack-peer: jack_activate failed\n"); return 4; }

  for (int i = 0; i < nOut; i++) { /* EEXIST: already connected (e.g. the same edge from --connect-in) */
    int r = jack_connect(g.client, jack_port_name(g.out[i]), outTargets[i]);
    if (r && r != EEXIST) failConnect(jack_port_name(g.out[i]), outTargets[i], "jack_connect failed");
  }
  for (int j = 0; j < nIn; j++) {
    int r = jack_connect(g.client, inSources[j], jack_port_name(g.in[j]));
    if (r && r != EEXIST) failConnect(inSources[j], jack_port_name(g.in[j]), "jack_connect failed");
  }
  for (int i = 0; i < nOut; i++)
    if (waitVisible(g.out[i], outTargets[i]))
      failConnect(jack_port_name(g.out[i]), outTargets[i], "not visible after 2 s");
  for (int j = 0; j < nIn; j++)
    if (waitVisible(g.in[j], inSources[j]))
      failConnect(inSources[j], jack_port_name(g.in[j]), "not visible after 2 s");

  /* Connecting reorders the server's graph, which can itself cost a cycle: let it settle before the run. */
  if (settleMs > 0) sleepMs(settleMs);
  atomic_store_explicit(&g.state, ARMED, memory_order_release);
  while (atomic_load_explicit(&g.state, memory_order_acquire) != DONE && !stopSignal &&
         !atomic_load(&g.shutdown))
    sleepMs(2);

  int shut = atomic_load(&g.shutdown);
  if (!shut) jack_deactivate(g.client); /* after this the callback no longer runs: counters are final */
  size_t frames = atomic_load(&g.pos);
  unsigned period = atomic_load(&g.period); /* 0 if stopped before the run began */
  if (!period && !shut) period = jack_get_buffer_size(g.client);
  if (recPath) writeRecord(recPath, frames);
  printf("{\"cycles\":%u,\"xruns\":%u,\"frames\":%zu,\"period\":%u,\"rate\":%u,\"shutdown\":%s,"
         "\"startFrame\":%u}\n",
         atomic_load(&g.cycles), atomic_load(&g.xruns), frames, period, rate,
         shut ? "true" : "false", atomic_load(&g.startFrame));
  fflush(stdout);
  if (!shut) jack_client_close(g.client); /* a dead server can hang close: skip it then */
  return shut ? 4 : 0;
}
