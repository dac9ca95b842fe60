#!/bin/bash
# Usage: tools/showcase_film.sh [OUT_DIR]. Makes estuary.mkv there: a 10-minute 720p H.264 MKV as the issue describes: AAC speech (a real LibriVox reading, looped with pauses),
# an embedded SRT track, container tags, two chapters, burned-in headline text for its first two minutes.
set -e
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-.}"; mkdir -p "$OUT"; cd "$OUT"
ffmpeg -v error -y -i "$ROOT/tests/data/real-audio/speech-librivox.opus" -af "apad=pad_dur=5" -ar 48000 one.wav
ffmpeg -v error -y -stream_loop -1 -i one.wav -t 600 -c:a aac -b:a 96k speech.m4a
cat > subs.srt <<'S'
1
00:00:06,000 --> 00:00:09,000
The lighthouse keeper climbs the stairs before the storm.

2
00:02:30,000 --> 00:02:34,000
Fishing boats return to the harbour as the river rises.

3
00:07:00,000 --> 00:07:04,000
By morning the flood has reached the old stone bridge.
S
cat > meta.txt <<'M'
;FFMETADATA1
title=Evening on the Estuary
genre=Documentary
artist=Ingrid Solberg
comment=A quiet film about a river town waiting for the flood.
[CHAPTER]
TIMEBASE=1/1000
START=0
END=300000
title=The river
[CHAPTER]
TIMEBASE=1/1000
START=300000
END=600000
title=The flood
M
ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=25:d=600" -i speech.m4a -i subs.srt -i meta.txt \
  -vf "drawbox=x=0:y=560:w=1280:h=120:color=black@0.85:t=fill:enable='lt(t,120)',drawtext=text='FLOOD WARNING  RIVER LEVELS RISING':fontcolor=white:fontsize=56:x=60:y=590:enable='lt(t,120)'" \
  -map 0:v -map 1:a -map 2:s -map_metadata 3 -map_chapters 3 -c:v libx264 -preset veryfast -g 250 -crf 28 -c:a copy -c:s srt \
  -metadata:s:a:0 language=eng -metadata:s:s:0 language=eng estuary.mkv
rm -f one.wav speech.m4a
ls -la estuary.mkv
