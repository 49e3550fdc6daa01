#!/usr/bin/env python3
"""pngdiff.py: compare rendered charts with reference images, stdlib only.
  pngdiff.py size FILE.png          prints "W H"
  pngdiff.py diff A.png B.png MAX   prints the mean absolute difference per
                                    channel (0..255); exit 1 when the sizes
                                    differ or the mean exceeds MAX
Decodes 8-bit greyscale/RGB/RGBA non-interlaced PNG (what cairo writes)."""
import struct
import sys
import zlib


def decode(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, w = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or interlace or ctype not in (0, 2, 6):
                raise SystemExit("%s: unsupported PNG" % path)
            bpp = {0: 1, 2: 3, 6: 4}[ctype]
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    out = bytearray(h * stride)
    prev = bytearray(stride)
    p = 0
    for y in range(h):
        ft = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if ft == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif ft == 3:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((a + prev[i]) >> 1)) & 255
        elif ft == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        out[y * stride:(y + 1) * stride] = line
        prev = line
    # to RGB
    if bpp == 3:
        return w, h, bytes(out)
    rgb = bytearray()
    for i in range(0, len(out), bpp):
        px = out[i:i + bpp]
        rgb += bytes(px[:1] * 3) if bpp == 1 else bytes(px[:3])
    return w, h, bytes(rgb)


def main(argv):
    if len(argv) == 3 and argv[1] == "size":
        # The IHDR chunk comes first: no need to decode the pixels.
        with open(argv[2], "rb") as f:
            head = f.read(24)
        if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
            print("not a PNG")
            return 1
        print(*struct.unpack(">II", head[16:24]))
        return 0
    if len(argv) == 5 and argv[1] == "diff":
        wa, ha, a = decode(argv[2])
        wb, hb, b = decode(argv[3])
        if (wa, ha) != (wb, hb):
            print("size %dx%d != %dx%d" % (wa, ha, wb, hb))
            return 1
        total = sum(abs(x - y) for x, y in zip(a, b))
        mean = total / len(a)
        print("%.4f" % mean)
        return 0 if mean <= float(argv[4]) else 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
