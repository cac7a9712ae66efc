// Lock-free single-producer single-consumer FIFO of interleaved float frames. The PortAudio callback is
// the producer of the input ring and the consumer of the output ring; the audio worker is the other side.
// Neither side ever waits: a full ring drops the write, an empty ring is reported to the caller.
#pragma once
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

class SpscRing {
 public:
  void reset(uint32_t channels, uint32_t capacityFrames) {
    channels_ = channels;
    capacity_ = capacityFrames;
    data_.assign(size_t(channels) * capacityFrames, 0.0f);
    write_.store(0, std::memory_order_relaxed);
    read_.store(0, std::memory_order_relaxed);
  }

  uint32_t channels() const { return channels_; }
  uint32_t capacity() const { return capacity_; }

  // Frames consumed so far (consumer side): the stream position of the next frame to read.
  uint64_t readPosition() const { return read_.load(std::memory_order_relaxed); }
  // Frames readable now (consumer side).
  uint64_t readable() const {
    return write_.load(std::memory_order_acquire) - read_.load(std::memory_order_relaxed);
  }
  // Frames writable now (producer side).
  uint64_t writable() const {
    return capacity_ - (write_.load(std::memory_order_relaxed) - read_.load(std::memory_order_acquire));
  }

  // Producer: append `frames` frames taken from planar channel pointers (nullptr channel = silence).
  void writePlanar(const float *const *planes, uint32_t planeCount, uint32_t frames) {
    uint64_t w = write_.load(std::memory_order_relaxed);
    for (uint32_t f = 0; f < frames; f++) {
      float *dst = &data_[size_t((w + f) % capacity_) * channels_];
      for (uint32_t c = 0; c < channels_; c++) dst[c] = (c < planeCount && planes[c]) ? planes[c][f] : 0.0f;
    }
    write_.store(w + frames, std::memory_order_release);
  }

  // Producer: append frames from one planar block laid out channel after channel (stride = frames).
  void writeBlock(const float *block, uint32_t frames) {
    uint64_t w = write_.load(std::memory_order_relaxed);
    for (uint32_t f = 0; f < frames; f++) {
      float *dst = &data_[size_t((w + f) % capacity_) * channels_];
      for (uint32_t c = 0; c < channels_; c++) dst[c] = block[size_t(c) * frames + f];
    }
    write_.store(w + frames, std::memory_order_release);
  }

  // Producer: append silence.
  void writeSilence(uint32_t frames) {
    uint64_t w = write_.load(std::memory_order_relaxed);
    for (uint32_t f = 0; f < frames; f++)
      std::memset(&data_[size_t((w + f) % capacity_) * channels_], 0, sizeof(float) * channels_);
    write_.store(w + frames, std::memory_order_release);
  }

  // Consumer: take `frames` frames into planar channel pointers.
  void readPlanar(float *const *planes, uint32_t planeCount, uint32_t frames) {
    uint64_t r = read_.load(std::memory_order_relaxed);
    for (uint32_t f = 0; f < frames; f++) {
      const float *src = &data_[size_t((r + f) % capacity_) * channels_];
      for (uint32_t c = 0; c < planeCount; c++)
        if (planes[c]) planes[c][f] = c < channels_ ? src[c] : 0.0f;
    }
    read_.store(r + frames, std::memory_order_release);
  }

  // Consumer: take frames into one planar block (channel after channel, stride = frames).
  void readBlock(float *block, uint32_t frames) {
    uint64_t r = read_.load(std::memory_order_relaxed);
    for (uint32_t f = 0; f < frames; f++) {
      const float *src = &data_[size_t((r + f) % capacity_) * channels_];
      for (uint32_t c = 0; c < channels_; c++) block[size_t(c) * frames + f] = src[c];
    }
    read_.store(r + frames, std::memory_order_release);
  }

  // Consumer: discard frames (latency resync after an underrun).
  void skip(uint64_t frames) { read_.store(read_.load(std::memory_order_relaxed) + frames, std::memory_order_release); }

 private:
  uint32_t channels_ = 0, capacity_ = 0;
  std::vector<float> data_;
  alignas(64) std::atomic<uint64_t> write_{0};
  alignas(64) std::atomic<uint64_t> read_{0};
};
