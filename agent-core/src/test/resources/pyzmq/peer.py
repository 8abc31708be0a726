#!/usr/bin/env python3
"""A libzmq peer (pyzmq) for PyzmqInteropTests: talks to an agent the way a Python client would.

Usage: peer.py SCENARIO ENDPOINT [ARG]

Scenarios:
  req-echo ENDPOINT          REQ socket, send_json/recv_json of echo requests
  dealer-delimiter ENDPOINT  DEALER: empty delimiter frame, then the JSON request
  dealer-inflight ENDPOINT N DEALER: N requests sent before any reply is read
  bad-input ENDPOINT         REQ, one fresh socket per malformed request
  health ENDPOINT            REQ to the health socket (or health_check on an endpoint)

Prints one JSON object on stdout. Every receive has a timeout and every socket linger 0, so
the script always ends; a reply that did not come is printed as null for the test to report.
"""

import json
import sys
import time

import zmq

TIMEOUT_MS = 10000


def open_socket(ctx, kind, endpoint):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, TIMEOUT_MS)
    sock.setsockopt(zmq.SNDTIMEO, TIMEOUT_MS)
    sock.connect(endpoint)
    return sock


def req_echo(ctx, endpoint):
    sock = open_socket(ctx, zmq.REQ, endpoint)
    replies = []
    for request in ({"action": "echo", "id": "py-req-1", "text": "h\u00e9llo from pyzmq"},
                    {"action": "echo", "id": 42, "n": [1, 2, 3]},
                    {"action": "nothing", "id": "py-req-3"}):
        sock.send_json(request)
        try:
            replies.append(sock.recv_json())
        except zmq.Again:
            replies.append(None)
            break  # a REQ socket cannot send again before its reply
    sock.close()
    return {"replies": replies}


def dealer_delimiter(ctx, endpoint):
    sock = open_socket(ctx, zmq.DEALER, endpoint)
    sock.send_multipart([b"", json.dumps({"action": "echo", "id": "py-dealer-1"}).encode("utf-8")])
    try:
        frames = sock.recv_multipart()
    except zmq.Again:
        return {"frames": None}
    sock.close()
    return {
        "frames": len(frames),
        "delimiter_empty": len(frames) > 1 and frames[0] == b"",
        "reply": json.loads(frames[-1].decode("utf-8")),
    }


def dealer_inflight(ctx, endpoint, count):
    sock = open_socket(ctx, zmq.DEALER, endpoint)
    sent = []
    for i in range(count):
        # Every third one sleeps a little, so that several are surely in flight together.
        request = ({"action": "slow", "id": "py-inflight-%d" % i, "millis": 200} if i % 3 == 0
                   else {"action": "echo", "id": "py-inflight-%d" % i, "i": i})
        sock.send_multipart([b"", json.dumps(request).encode("utf-8")])
        sent.append(request["id"])
    replies = []
    deadline = time.monotonic() + 30
    while len(replies) < count and time.monotonic() < deadline:
        try:
            frames = sock.recv_multipart()
        except zmq.Again:
            break
        replies.append({"delimiter_empty": len(frames) > 1 and frames[0] == b"",
                        "reply": json.loads(frames[-1].decode("utf-8"))})
    sock.close()
    return {"sent": sent, "replies": replies}


# name -> (how the frame is made, what is sent)
BAD_INPUT = [
    ("not_json", "raw", b"this is {not json"),
    ("not_utf8", "raw", b"\xff\xfe\xfd"),
    ("empty", "raw", b""),
    ("array", "json", [1, 2, 3]),
    ("string", "json", "echo"),
    ("missing_action", "json", {"id": "py-bad-missing"}),
    ("action_not_string", "json", {"id": "py-bad-action-type", "action": 7}),
    ("unknown_action", "json", {"id": "py-bad-unknown", "action": "no_such_action"}),
    ("wrong_type", "json", {"id": "py-bad-type", "action": "typed", "count": "many", "name": "x"}),
    ("handler_fails", "json", {"id": "py-bad-fail", "action": "fail"}),
]


def bad_input(ctx, endpoint):
    results = {}
    for name, how, payload in BAD_INPUT:
        sock = open_socket(ctx, zmq.REQ, endpoint)
        if how == "raw":
            sock.send(payload)
        else:
            sock.send_json(payload)
        try:
            results[name] = sock.recv_json()
        except zmq.Again:
            results[name] = None
        sock.close()
    return results


def health(ctx, endpoint):
    sock = open_socket(ctx, zmq.REQ, endpoint)
    sock.send_json({"action": "health_check", "id": "py-health"})
    try:
        reply = sock.recv_json()
    except zmq.Again:
        reply = None
    sock.close()
    return {"reply": reply}


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 64
    scenario, endpoint = argv[1], argv[2]
    ctx = zmq.Context()
    try:
        if scenario == "req-echo":
            result = req_echo(ctx, endpoint)
        elif scenario == "dealer-delimiter":
            result = dealer_delimiter(ctx, endpoint)
        elif scenario == "dealer-inflight":
            result = dealer_inflight(ctx, endpoint, int(argv[3]))
        elif scenario == "bad-input":
            result = bad_input(ctx, endpoint)
        elif scenario == "health":
            result = health(ctx, endpoint)
        else:
            sys.stderr.write("unknown scenario %r\n%s" % (scenario, __doc__))
            return 64
    finally:
        ctx.destroy(linger=0)
    result["libzmq"] = zmq.zmq_version()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
