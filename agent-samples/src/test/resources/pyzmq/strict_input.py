#!/usr/bin/env python3
"""A libzmq peer (pyzmq) for PyzmqStrictInputIT: sends request bodies that strict input must
refuse (issue 13), each on a fresh REQ socket, exactly as bytes, as a Python client could.

Usage: strict_input.py ENDPOINT

Prints one JSON object on stdout: each case's name and the reply (parsed), or null when no
reply came within 10 s. Sockets have linger 0 and every receive a timeout, so it always ends.
"""

import json
import sys

import zmq

TIMEOUT_MS = 10000

CASES = {
    # C0 AF: an overlong two-byte encoding of '/'.
    "overlong_id": b'{"action":"health_check","id":"\xc0\xaf"}',
    "overlong_field": b'{"action":"infer","id":"py-2","text":"\xc0\xaf"}',
    # ED A0 80: U+D800, a lone surrogate, which UTF-8 may not encode.
    "surrogate": b'{"action":"infer","id":"py-3","text":"\xed\xa0\x80"}',
    # A number no double holds: never to come back as "Infinity".
    "huge_number_id": b'{"action":"health_check","id":1e999999}',
    # infer echoes its id in every reply (health_check's replies carry none).
    "huge_number_infer_id": b'{"action":"infer","id":1e999999,"text":"x"}',
    "repeated_key": b'{"action":"infer","id":"py-5","text":"x","action":"health_check"}',
    # Control: a well-formed request is answered ok.
    "control": b'{"action":"health_check","id":"py-ok"}',
}


def main():
    endpoint = sys.argv[1]
    ctx = zmq.Context()
    result = {}
    try:
        for name, body in CASES.items():
            sock = ctx.socket(zmq.REQ)
            sock.setsockopt(zmq.LINGER, 0)
            sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
            sock.setsockopt(zmq.SNDTIMEO, TIMEOUT_MS)
            sock.connect(endpoint)
            try:
                sock.send(body)
                reply = sock.recv()
                try:
                    result[name] = json.loads(reply.decode("utf-8"))
                except ValueError:
                    result[name] = {"unparsable_reply_bytes": len(reply)}
            except zmq.Again:
                result[name] = None
            finally:
                sock.close()
    finally:
        ctx.term()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
