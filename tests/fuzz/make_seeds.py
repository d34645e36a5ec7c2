#!/usr/bin/env python3
"""Writes the seed corpora that are not plain text: tests/fuzz/corpus/wire (one valid encoded
message per item type of wire_fuzz.cpp's table, whose index is the first byte, plus control
messages) and tests/fuzz/corpus/protocol (scripts for protocol_fuzz.cpp). Run it again after
changing the type table or the script's operations."""
import os
import struct
import sys

def u64(n): return struct.pack('<Q', n)
def i32(n): return struct.pack('<i', n)
def string(s): b = s.encode(); return u64(len(b)) + b
def boolean(b): return bytes([1 if b else 0])
def opt(enc, v): return b'\x00' if v is None else b'\x01' + enc(v)
def vec(enc, items): return u64(len(items)) + b''.join(enc(x) for x in items)
def pod(a, b): return i32(a) + b'\0' * 4 + struct.pack('<d', b)  # {int32; double}: 4 bytes padding
def flagged(v): return i32(v[0]) + boolean(v[1]) + bytes([v[2]])

# (table index, name, encoder of one item, sample items)
TYPES = [
    (0, 'int32', i32, [0, -1, 2**31 - 1]),
    (1, 'uint64', u64, [0, 2**64 - 1]),
    (2, 'double', lambda d: struct.pack('<d', d), [0.5, -1e300, float('nan')]),
    (3, 'char', lambda c: c.encode(), ['a', 'z']),
    (4, 'bool', boolean, [True, False, True]),
    (5, 'pod', lambda v: pod(*v), [(1, 2.5), (-3, 0.0)]),
    (6, 'flagged', flagged, [(7, True, 3), (8, False, 255)]),
    (7, 'color', lambda c: bytes([c]), [0, 2]),
    (8, 'array_bool3', lambda v: b''.join(boolean(x) for x in v), [(True, False, True)]),
    (9, 'array_int16x4', lambda v: struct.pack('<4h', *v), [(1, -2, 3, -4)]),
    (10, 'string', string, ['', 'hello', 'h\u00e9llo']),
    (11, 'optional_int32', lambda v: opt(i32, v), [None, 5]),
    (12, 'optional_bool', lambda v: opt(boolean, v), [None, True, False]),
    (13, 'optional_string', lambda v: opt(string, v), [None, 'x']),
    (14, 'vector_int32', lambda v: vec(i32, v), [[], [1, 2, 3]]),
    (15, 'vector_bool', lambda v: vec(boolean, v), [[True, False], []]),
    (16, 'vector_string', lambda v: vec(string, v), [['a', ''], []]),
    (17, 'vector_double', lambda v: vec(lambda d: struct.pack('<d', d), v), [[1.5, 2.5]]),
    (18, 'pair_int32_bool', lambda v: i32(v[0]) + boolean(v[1]), [(1, True), (2, False)]),
    (19, 'pair_string_uint64', lambda v: string(v[0]) + u64(v[1]), [('k', 9)]),
    (20, 'tuple_int32_bool_string', lambda v: i32(v[0]) + boolean(v[1]) + string(v[2]), [(1, True, 'a')]),
    (21, 'tuple_empty', lambda v: b'\x00', [(), ()]),
    (22, 'tuple_bool_optdouble_vecbool',
     lambda v: boolean(v[0]) + opt(lambda d: struct.pack('<d', d), v[1]) + vec(boolean, v[2]),
     [(True, None, [True]), (False, 2.0, [])]),
    (23, 'map_string_int32', lambda m: vec(lambda kv: string(kv[0]) + i32(kv[1]), m), [[('a', 1), ('b', 2)], []]),
    (24, 'map_int32_vecbool', lambda m: vec(lambda kv: i32(kv[0]) + vec(boolean, kv[1]), m), [[(1, [True, False])]]),
    (25, 'umap_string_vecint32', lambda m: vec(lambda kv: string(kv[0]) + vec(i32, kv[1]), m), [[('x', [1, 2])]]),
    (26, 'umap_int32_bool', lambda m: vec(lambda kv: i32(kv[0]) + boolean(kv[1]), m), [[(1, True), (2, False)]]),
    (27, 'vector_pair_string_optvecbool',
     lambda v: vec(lambda p: string(p[0]) + opt(lambda b: vec(boolean, b), p[1]), v),
     [[('a', None), ('b', [True])]]),
    (28, 'vector_vector_string', lambda v: vec(lambda inner: vec(string, inner), v), [[['a'], []]]),
    (29, 'map_string_tuple',
     lambda m: vec(lambda kv: string(kv[0]) + boolean(kv[1][0]) + i32(kv[1][1]) +
                   opt(lambda d: struct.pack('<d', d), kv[1][2]), m),
     [[('k', (True, 3, None)), ('l', (False, 4, 1.0))]]),
    (30, 'vector_flagged', lambda v: vec(flagged, v), [[(1, True, 0)]]),
    (31, 'vector_pod', lambda v: vec(lambda p: pod(*p), v), [[(1, 1.0), (2, 2.0)]]),
    (32, 'vector_array_bool2', lambda v: vec(lambda a: boolean(a[0]) + boolean(a[1]), v), [[(True, False)]]),
    (33, 'vector_optional_int32', lambda v: vec(lambda o: opt(i32, o), v), [[None, 3]]),
    (34, 'vector_tuple_empty', lambda v: vec(lambda t: b'\x00', v), [[(), ()]]),
    (35, 'pair_color_optflagged', lambda v: bytes([v[0]]) + opt(flagged, v[1]), [(1, None), (2, (5, True, 1))]),
]

def wire(out):
    os.makedirs(out, exist_ok=True)
    for index, name, enc, items in TYPES:
        batch = b'\x00' + struct.pack('<q', 42) + vec(enc, items)
        open(os.path.join(out, '%02d_%s' % (index, name)), 'wb').write(bytes([index]) + batch)
    controls = {'watermark': b'\x01' + struct.pack('<q', 7), 'flush': b'\x02' + b'\0' * 8,
                'terminate': b'\x03' + b'\0' * 8}
    for name, body in controls.items():
        open(os.path.join(out, 'control_' + name), 'wb').write(b'\x0e' + body)

class Script:
    """A protocol_fuzz.cpp script. FuzzedDataProvider takes byte strings from the front of the
    input and integers from its back (the last byte first, big-endian for wider ones)."""
    NONE, CLAIMED, OTHER = 0, 1, 2

    def __init__(self, self_id):
        self.front, self.back = bytearray(), bytearray()
        self.int(self_id)

    def int(self, v, width=1):
        self.back += v.to_bytes(width, 'big')

    def bytes(self, data):
        self.int(len(data))
        self.front += data

    def wire(self, how, other=0):
        self.int(how)
        if how == self.OTHER:
            self.int(other)

    def raw(self, claimed, data, how=NONE, lend=0):
        self.int(0); self.int(claimed); self.wire(how); self.bytes(data); self.int(lend)

    def header(self, type_, source, channel, kind, payload, how=CLAIMED, lend=0):
        self.int(1); self.int(type_); self.int(source); self.int(channel, 4); self.int(kind, 2)
        self.wire(how); self.bytes(payload); self.int(lend)

    def proof(self, peer, how=CLAIMED, lend=0):
        self.int(2); self.int(peer); self.wire(how); self.int(lend)

    def hello(self, peer, how=CLAIMED, lend=0):
        self.int(3); self.int(peer); self.wire(how); self.int(lend)

    def credit(self, peer, n, how=CLAIMED, lend=0):
        self.int(4); self.int(peer); self.int(n, 4); self.wire(how); self.int(lend)

    def data(self, peer, channel, payload, how=CLAIMED, lend=0, other=0):
        self.int(5); self.int(peer); self.int(channel); self.wire(how, other); self.bytes(payload); self.int(lend)

    def poll(self, max_=8): self.int(6); self.int(max_)
    def poll_each(self, max_=8, throw_at=9): self.int(7); self.int(max_); self.int(throw_at)
    def send(self, to, channel, payload): self.int(8); self.int(to); self.int(channel); self.bytes(payload)
    def errors(self): self.int(9)
    def congest(self): self.int(10)
    def flush(self): self.int(11)
    def connect(self): self.int(12)

    def encoded(self):
        return bytes(self.front) + bytes(reversed(self.back))


def protocol(out):
    os.makedirs(out, exist_ok=True)
    s = Script(0)  # both peers authenticate, exchange data and credits
    s.hello(1); s.proof(1); s.hello(2); s.proof(2); s.connect()
    s.data(1, 0, b'hello'); s.data(2, 3, b'', lend=1); s.send(0, 1, b'to myself'); s.send(1, 2, b'out')
    s.poll(2); s.poll_each(); s.credit(1, 3); s.errors(); s.flush()
    open(os.path.join(out, 'handshake_and_data'), 'wb').write(s.encoded())

    s = Script(1)  # a congested wire while hellos and data keep coming
    s.proof(0); s.proof(2); s.congest()
    for _ in range(6):
        s.hello(0); s.data(0, 1, b'x' * 10, lend=1)
    s.poll(3); s.poll_each(8, 1); s.congest(); s.flush(); s.poll(); s.errors()
    open(os.path.join(out, 'congested'), 'wb').write(s.encoded())

    s = Script(2)  # impostors: data before a proof, wrong sources, a bad proof, garbage
    s.data(0, 0, b'early'); s.header(2, 1, 0, 0, b'\0' * 32); s.proof(1); s.data(1, 0, b'late')
    s.proof(0, how=Script.NONE); s.data(0, 1, b'spoofed', how=Script.OTHER, other=1)
    s.raw(3, b'RN\x01\x03' + b'\0' * 12); s.raw(0, b'garbage'); s.header(9, 0, 5, 5, b'?')
    s.header(1, 0, 0, 0, b'short hello'); s.header(4, 0, 0, 0, b'\xff\xff\xff\xff\xff')
    s.poll(); s.errors()
    open(os.path.join(out, 'impostors'), 'wb').write(s.encoded())


if __name__ == '__main__':
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus')
    wire(os.path.join(here, 'wire'))
    protocol(os.path.join(here, 'protocol'))
