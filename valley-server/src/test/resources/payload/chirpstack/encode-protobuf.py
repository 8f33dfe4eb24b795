#!/usr/bin/env python3
"""Writes the Protobuf golden bodies of this directory, encoded by hand from the field numbers of
ChirpStack v4's integration.proto, gw.proto and google/protobuf/{timestamp,struct}.proto, so they do
not depend on the reader under test. Run it from this directory to regenerate them."""
import struct


def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(number, wire):
    return varint(number << 3 | wire)


def v(number, value):
    return tag(number, 0) + varint(value)


def ld(number, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return tag(number, 2) + varint(len(payload)) + payload


def f32(number, value):
    return tag(number, 5) + struct.pack('<f', value)


def f64(number, value):
    return tag(number, 1) + struct.pack('<d', value)


def timestamp(seconds, nanos):
    return v(1, seconds) + v(2, nanos)


def value(x):
    if isinstance(x, bool):
        return v(4, 1 if x else 0)
    if isinstance(x, (int, float)):
        return f64(2, float(x))
    if isinstance(x, str):
        return ld(3, x)
    if isinstance(x, list):
        return ld(6, b''.join(ld(1, value(i)) for i in x))
    if isinstance(x, dict):
        return ld(5, struct_(x))
    return v(1, 0)


def struct_(d):
    return b''.join(ld(1, ld(1, k) + ld(2, value(x))) for k, x in d.items())


device_info = (ld(3, 'a1b2c3d4-0000-4000-8000-00000000000a') + ld(7, 'co2-3') + ld(8, 'a84041000181c0de')
               + ld(9, ld(1, 'floor') + ld(2, '1')))
up = (ld(1, '5e0f6a7b-8c9d-4e0f-a1b2-c3d4e5f60718')
      + ld(2, timestamp(1793610000, 500000000))          # 2026-11-02T09:00:00.5Z
      + ld(3, device_info)
      + ld(4, '01ab23ce')
      + v(6, 3) + v(7, 12) + v(8, 2)
      + ld(10, bytes([1, 2]))
      + ld(11, struct_({'temperature': 21.5, 'open': True, 'label': 'r101', 'list': [1, 2], 'none': None}))
      + ld(12, ld(1, 'gw-a') + v(2, 77) + v(6, -99) + f32(7, -3.5) + v(16, 2))
      + ld(12, ld(1, 'gw-b') + v(6, -120) + f32(7, 1.25))
      + ld(13, v(1, 868100000) + ld(2, ld(3, v(1, 125000) + v(2, 9))))
      + ld(14, 'eu868'))
join = ld(1, 'a0b1c2d3-e4f5-4a6b-8c7d-8e9fa0b1c2d3') + ld(2, timestamp(1793609940, 0)) + ld(3, device_info) + ld(4, '01ab23ce')
open('up-protobuf.bin', 'wb').write(up)
open('join-protobuf.bin', 'wb').write(join)
