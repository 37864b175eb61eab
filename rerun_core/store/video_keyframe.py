"""Whether a VideoStream sample starts a group of pictures (0.41's ``video_detect_gop_start``).

H.264 / H.265 samples are Annex B; the codec is a ``rerun.components.VideoCodec`` value.
"""

from __future__ import annotations

import numpy as np

Sample = bytes | memoryview


def is_keyframe(sample: Sample, codec: int) -> bool:
    """Whether decoding can start at this sample: an IDR (H.264) / IRAP (H.265) NAL unit, an AV1
    sequence header OBU, a VP8/VP9 key frame."""
    if not sample:
        return False
    if codec == 0x61763031:
        return _av1_has_sequence_header(sample)
    if codec == 0x76703038:  # VP8 frame tag: bit 0 clear on key frames
        return (sample[0] & 0x1) == 0
    if codec == 0x76703039:  # VP9 header: frame_marker, profile bits, show_existing_frame, frame_type
        b = sample[0]
        shift = 1 if (b >> 4) & 0x3 == 0x3 else 0  # profile 3 has a reserved bit more
        return b >> 6 == 0b10 and not (b >> (3 - shift)) & 1 and not (b >> (2 - shift)) & 1
    if codec not in (0x61766331, 0x68657631):
        return False
    hevc = codec == 0x68657631
    data = np.frombuffer(sample, np.uint8)
    starts = np.flatnonzero((data[:-3] == 0) & (data[1:-2] == 0) & (data[2:-1] == 1)) + 3
    for s in starts[:32]:
        nal = int(data[s])
        if (hevc and 16 <= (nal >> 1) & 0x3F <= 21) or (not hevc and nal & 0x1F == 5):
            return True
    return False


def _av1_has_sequence_header(sample: Sample) -> bool:
    pos = 0
    for _ in range(16):  # the sequence header comes first in a temporal unit, after the delimiter
        if pos >= len(sample):
            return False
        header = sample[pos]
        if (header >> 3) & 0xF == 1:
            return True
        pos += 2 if header & 0x4 else 1
        if not header & 0x2:  # no size field: the OBU runs to the end
            return False
        size, shift = 0, 0
        while pos < len(sample):
            byte = sample[pos]
            pos += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        pos += size
    return False
