# Keys with equal libstdc++ std::hash<string_view> (64-bit _Hash_bytes, MurmurHash64A-like),
# independent of seed: per 16-byte step, two 8-byte block pairs whose mixed values differ only in
# bit 63 in both blocks (h ^= d; h *= mul keeps a bit-63 difference in bit 63 only).
import sys, struct
M = 2**64
mul = ((0xc6a4a793 << 32) + 0x5bd1e995) % M
inv = pow(mul, -1, M)
def shift_mix(v): return v ^ (v >> 47)
def block_for(d):  # x with shift_mix(x*mul)*mul == d
    y = d * inv % M
    return shift_mix(y) * inv % M
def data(x): return shift_mix(x * mul % M) * mul % M
def esc(b):
    out = []
    for c in b:
        if c == 0x22: out.append('\\"')
        elif c == 0x5c: out.append('\\\\')
        elif c < 0x20: out.append('\\u%04x' % c)
        else: out.append(chr(c) if c < 0x80 else None)
    return out
import random
rng = random.Random(1)
pairs = []
while len(pairs) < int(sys.argv[1]):
    d1 = rng.getrandbits(64); d2 = rng.getrandbits(64)
    a = struct.pack('<QQ', block_for(d1), block_for(d2))
    b = struct.pack('<QQ', block_for(d1 ^ (1 << 63)), block_for(d2 ^ (1 << 63)))
    assert data(block_for(d1)) == d1
    pairs.append((a, b))
n = len(pairs)
count = int(sys.argv[2])
keys = []
for i in range(count):
    raw = b''.join(pairs[j][(i >> j) & 1] for j in range(n))
    keys.append(raw)
# JSON-escape as bytes: raw bytes >= 0x80 stay raw (the parser does not check UTF-8)
def jkey(raw):
    s = bytearray(b'"')
    for c in raw:
        if c == 0x22: s += b'\\"'
        elif c == 0x5c: s += b'\\\\'
        elif c < 0x20: s += b'\\u%04x' % c
        else: s.append(c)
    s += b'"'
    return bytes(s)
body = b','.join(jkey(k) + b':0' for k in keys)
sys.stdout.buffer.write(b'{"SchemaVersion":2,"ArtifactName":"x","x":{' + body + b'},"Results":[]}')
