"""A silent MP3 made from scratch, for narration tests: real MPEG-1 Layer III frames a browser plays."""

FRAME_HEADER = bytes([0xFF, 0xFB, 0x14, 0xC4])  # MPEG-1 Layer III, no CRC, 32 kbit/s, 48 kHz, mono
FRAME_BYTES = 144 * 32000 // 48000  # 96: the header, 17 bytes of side information, then main data
FRAME_SECONDS = 1152 / 48000  # 24 ms


def silent_mp3(seconds: float) -> bytes:
    """`seconds` of silence: frames whose side information and main data are all zero."""
    frames = max(1, round(seconds / FRAME_SECONDS))
    return (FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))) * frames
