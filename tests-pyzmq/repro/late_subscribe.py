"""The pattern of test_log.py::test_blank_root_topic: a 2nd SUBSCRIBE set just
before the publisher sends. Counts lost messages: a race on every libzmq.
"""
# the pattern of test_log.test_blank_root_topic: a 2nd subscription set just
# before the publisher sends (tcp). Counts how often the message is lost.
import time, zmq, sys
ctx = zmq.Context()
lost = 0
N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
for i in range(N):
    pub = ctx.socket(zmq.PUB); sub = ctx.socket(zmq.SUB)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    sub.connect(f"tcp://127.0.0.1:{port}")
    sub.setsockopt(zmq.SUBSCRIBE, b"zmq")
    time.sleep(0.1)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    pub.bind(f"inproc://late{i}")
    s2 = ctx.socket(zmq.SUB); s2.connect(f"inproc://late{i}"); s2.setsockopt(zmq.SUBSCRIBE, b"INFO")
    pub.send_multipart([b"DEBUG", b"x"])
    if not sub.poll(1000):
        lost += 1
    for s in (pub, sub, s2): s.close(0)
print("lost", lost, "of", N)
