#!/usr/bin/env python3
"""Latency of `mirkit predict MODEL - --stream-every S`: audio written to its standard input at
real-time pace (10 ms chunks of raw 16-bit PCM), each row's end (end_s) matched to the wall time
its last sample was written, and the latency is the time from that write to the row's line on
mirkit's standard output. Prints the latencies' median, 90th percentile and maximum.

  bench/stream_latency.py MIRKIT MODEL AUDIO.wav [--every 2] [--history 10] [--seconds 60]

AUDIO.wav (mono, at the model's rate) is looped to --seconds. Standard library only.
"""
import argparse
import statistics
import subprocess
import sys
import threading
import time
import wave


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirkit")
    parser.add_argument("model")
    parser.add_argument("audio")
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--history", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    with wave.open(args.audio) as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit("stream_latency.py: AUDIO must be mono 16-bit WAV")
        rate = w.getframerate()
        pcm = w.readframes(w.getnframes())
    total = int(args.seconds * rate) * 2
    audio = (pcm * (total // len(pcm) + 1))[:total]

    process = subprocess.Popen(
        [args.mirkit, "-q", "predict", args.model, "-", "--raw-format", "s16le", "--rate",
         str(rate), "--stream-every", str(args.every), "--stream-history", str(args.history)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    written = []  # (samples written so far, wall time)
    chunk = rate // 100 * 2  # 10 ms

    def feed():
        start = time.monotonic()
        for offset in range(0, len(audio), chunk):
            due = start + offset / 2 / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            process.stdin.write(audio[offset:offset + chunk])
            written.append(((offset + chunk) // 2, time.monotonic()))
        process.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    latencies = []
    process.stdout.readline()  # the header
    for line in process.stdout:
        seen = time.monotonic()
        end_sample = round(float(line.split(b",")[1]) * rate)
        sent = next((t for n, t in written if n >= end_sample), None)
        if sent is not None:
            latencies.append(seen - sent)
    feeder.join()
    process.wait()
    latencies = latencies[:-1]  # the last row comes at the end of the stream, not on a step
    latencies.sort()
    print(f"{len(latencies)} rows every {args.every} s over {args.history} s of audio: latency "
          f"median {1000 * statistics.median(latencies):.1f} ms, 90th percentile "
          f"{1000 * latencies[int(0.9 * (len(latencies) - 1))]:.1f} ms, "
          f"max {1000 * latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
