# shellcheck shell=bash disable=SC2059,SC2154  # printf escapes by design; $work is the caller's
# Shared by make-demo-data.sh and make-dev-data.sh (sourced): MIDI phrases written as Standard
# MIDI Files and rendered by fluidsynth through the FluidR3 General MIDI soundfont, so that the
# data sets are real instrument sounds made only from Debian packages, the same bytes every run.
# The caller starts with `begin_rendering NAME "$@"`.

readonly SOUNDFONT=/usr/share/sounds/sf2/FluidR3_GM.sf2
readonly TICKS_PER_BEAT=480  # at 120 BPM: 480 ticks = 0.5 s

die() { echo "$rendering_script: $*" >&2; exit 2; }

# The head both scripts share: their one argument OUTDIR (created), the renderers, and a scratch
# folder $work removed on exit. Sets outdir and work for the caller.
begin_rendering() {
  rendering_script=$1
  shift
  [[ $# -eq 1 ]] || die "usage: scripts/$rendering_script OUTDIR"
  require_renderers
  outdir=$1
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$outdir"
}

require_renderers() {
  command -v fluidsynth >/dev/null || die "fluidsynth is missing (apt-get install fluidsynth)"
  command -v sox >/dev/null || die "sox is missing (apt-get install sox)"
  [[ -r $SOUNDFONT ]] || die "$SOUNDFONT is missing (apt-get install fluid-soundfont-gm)"
}

# --- Standard MIDI File writing, as printf escapes --------------------------------------------

# A MIDI variable-length quantity: 7 bits per byte, high bit set on all but the last.
vlq() {
  local value=$1 bytes
  bytes=$(printf '\\x%02x' $((value & 0x7f)))
  value=$((value >> 7))
  while ((value > 0)); do
    bytes=$(printf '\\x%02x' $(((value & 0x7f) | 0x80)))$bytes
    value=$((value >> 7))
  done
  printf '%s' "$bytes"
}

# A 32-bit big-endian length.
u32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }

# Track events accumulate in $events (escapes) and $event_bytes (their length in bytes).
events=""
event_bytes=0
emit() {  # delta-ticks, then the event's bytes as numbers
  local delta=$1
  shift
  local encoded
  encoded=$(vlq "$delta")
  events+=$encoded
  event_bytes=$((event_bytes + ${#encoded} / 4))
  local byte
  for byte in "$@"; do
    events+=$(printf '\\x%02x' "$byte")
    event_bytes=$((event_bytes + 1))
  done
}

# Notes are given as "start_tick duration_ticks pitch velocity"; they are sorted into
# note-on/note-off events with delta times.
write_midi() {  # file program notes...
  local file=$1 program=$2
  shift 2
  local timeline=()
  local note start length pitch velocity
  for note in "$@"; do
    read -r start length pitch velocity <<<"$note"
    timeline+=("$start 1 $pitch $velocity" "$((start + length)) 0 $pitch 0")
  done
  events=""
  event_bytes=0
  emit 0 0xff 0x51 0x03 0x07 0xa1 0x20  # tempo: 500000 us per beat (120 BPM)
  emit 0 0xc0 "$program"                # program change, channel 1
  local now=0 tick kind
  while read -r tick kind pitch velocity; do
    if ((kind == 1)); then
      emit $((tick - now)) 0x90 "$pitch" "$velocity"
    else
      emit $((tick - now)) 0x80 "$pitch" 0
    fi
    now=$tick
  done < <(printf '%s\n' "${timeline[@]}" | sort -n -k1,1 -k2,2)
  emit 0 0xff 0x2f 0x00  # end of track
  {
    printf 'MThd'
    printf "$(u32 6)\\x00\\x00\\x00\\x01$(printf '\\x%02x\\x%02x' $((TICKS_PER_BEAT >> 8)) $((TICKS_PER_BEAT & 255)))"
    printf 'MTrk'
    printf "$(u32 "$event_bytes")"
    printf "$events"
  } >"$file"
}

# --- The phrases -------------------------------------------------------------------------------

# Clip i of a class: a phrase shape chosen by i, on a root that walks the instrument's range, at
# a velocity that cycles through soft to loud. Everything follows from i: no randomness.
phrase_notes() {  # index low high
  local i=$1 low=$2 high=$3
  local span=$((high - low - 12))
  local root=$((low + (i * 7) % span))
  local velocity=$((45 + (i * 37) % 80))
  local beat=$TICKS_PER_BEAT
  case $((i % 8)) in
    0) echo "0 $((4 * beat)) $root $velocity" ;;                           # one long note
    1) echo "0 $((2 * beat)) $root $velocity"                               # a falling fifth
       echo "$((2 * beat)) $((2 * beat)) $((root + 7)) $velocity" ;;
    2) for k in 0 1 2 3; do                                                  # major arpeggio up
         echo "$((k * beat)) $beat $((root + $(echo "0 4 7 12" | cut -d' ' -f$((k + 1))))) $velocity"
       done ;;
    3) for k in 0 1 2 3; do                                                  # minor arpeggio down
         echo "$((k * beat)) $beat $((root + $(echo "12 7 3 0" | cut -d' ' -f$((k + 1))))) $velocity"
       done ;;
    4) for k in 0 1 2 3 4 5 6 7; do                                          # scale run in quavers
         echo "$((k * beat / 2)) $((beat / 2)) $((root + $(echo "0 2 4 5 7 9 11 12" | cut -d' ' -f$((k + 1))))) $velocity"
       done ;;
    5) for k in 0 1 2 3 4 5; do                                              # repeated staccato
         echo "$((k * beat * 2 / 3)) $((beat / 4)) $((root + 5)) $((velocity - 10 + 4 * k))"
       done ;;
    6) for k in 0 1 2 3; do                                                  # leaps
         echo "$((k * beat)) $((beat * 3 / 4)) $((root + $(echo "0 12 5 9" | cut -d' ' -f$((k + 1))))) $velocity"
       done ;;
    7) echo "0 $((5 * beat)) $root $velocity"                               # a sustained dyad
       echo "0 $((5 * beat)) $((root + 4)) $((velocity - 15))" ;;
  esac
}

# Renders phrase `index` of an instrument to a WAV file of exactly `seconds` s, 16-bit, at `rate`
# Hz with `channels` channels (the soundfont renders stereo; 1 mixes it down).
render_phrase() {  # out.wav program low high index rate channels seconds
  local out=$1 program=$2 low=$3 high=$4 i=$5 rate=$6 channels=$7 seconds=$8
  local name
  name=$(basename "$out" .wav)
  local notes=()
  mapfile -t notes < <(phrase_notes "$i" "$low" "$high")
  write_midi "$work/$name.mid" "$program" "${notes[@]}"
  # Chorus and reverb off, one synthesis thread, and float output: fluidsynth dithers (with
  # random noise) only when it writes integers, so the rendering is then deterministic.
  fluidsynth -ni -q -C0 -R0 -g 1.0 -o synth.cpu-cores=1 -r "$rate" -T wav -O float \
    -F "$work/$name.raw.wav" "$SOUNDFONT" "$work/$name.mid" >/dev/null 2>&1 ||
    die "fluidsynth failed on $name"
  # Exactly `seconds`: pad the tail with silence, cut, and fade the last 50 ms so no clip ends in
  # a click; -D: to 16 bits without dither (sox's dither is random too).
  sox -q -V1 -D "$work/$name.raw.wav" -b 16 -c "$channels" "$out" \
    pad 0 "$seconds" trim 0 "$seconds" fade t 0 "$seconds" 0.05
  rm -f "$work/$name.mid" "$work/$name.raw.wav"
}
