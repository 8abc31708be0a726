#!/usr/bin/env python3
"""A libzmq CURVE peer (pyzmq) for PyzmqCurveTests.

Usage:
  curve_peer.py create DIR
      writes two certificates with pyzmq's own zmq.auth.create_certificates: DIR/py-client
      (the test authorizes it) and DIR/py-stranger (never authorized)
  curve_peer.py talk ENDPOINT SERVER_PUBLIC_CERT DIR
      asks ENDPOINT health_check three ways: as py-client, as py-stranger, and in plain text;
      the server's key is read from SERVER_PUBLIC_CERT (written by the agent's side, in ZPL)

Prints one JSON object on stdout. Every socket has a receive timeout and linger 0, so the
script always ends; a reply that did not come is printed as null.
"""

import json
import os
import sys

import zmq
import zmq.auth

TIMEOUT_MS = 3000


def create(directory):
    os.makedirs(directory, exist_ok=True)
    for name in ("py-client", "py-stranger"):
        zmq.auth.create_certificates(directory, name)
    print(json.dumps({"has_curve": zmq.has("curve"), "created": True}))


def ask(ctx, endpoint, server_key=None, client_cert=None):
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    if client_cert is not None:
        public, secret = zmq.auth.load_certificate(client_cert)
        sock.curve_publickey = public
        sock.curve_secretkey = secret
        sock.curve_serverkey = server_key
    sock.connect(endpoint)
    sock.send_multipart([b"", json.dumps({"action": "health_check", "id": "py-curve"}).encode()])
    try:
        frames = sock.recv_multipart()
        return json.loads(frames[-1])
    except zmq.Again:
        return None
    finally:
        sock.close()


def talk(endpoint, server_cert, directory):
    server_key, _ = zmq.auth.load_certificate(server_cert)
    ctx = zmq.Context()
    try:
        result = {
            "has_curve": zmq.has("curve"),
            "authorized": ask(ctx, endpoint, server_key, os.path.join(directory, "py-client.key_secret")),
            "stranger": ask(ctx, endpoint, server_key, os.path.join(directory, "py-stranger.key_secret")),
            "plain": ask(ctx, endpoint),
        }
    finally:
        ctx.term()
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "create":
        create(sys.argv[2])
    elif sys.argv[1] == "talk":
        talk(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit("unknown command " + sys.argv[1])
