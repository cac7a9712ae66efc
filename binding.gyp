{
  "targets": [
    {
      "target_name": "mixd_audio",
      "sources": ["native/mixd_audio.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "libraries": ["-ldl", "-lpthread"],
      # Never unloaded when a worker exits: a close-with-deadline thread may still be running in it.
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
