"""Repro (session/socket close, not pyzmq's fault): zmq_ctx_term hangs when
LINGER is set to 0 AFTER connect and the connection never completes its
handshake while a message is queued.

Cause: the session reads `owner.options.linger` from the snapshot taken at
connect time (-1), not the socket's linger at close time (0).
pyzmq's sock.close(0) sets LINGER right before zmq_close, so every pyzmq
program closing with linger=0 a socket whose peer is stuck hangs in term.
Expected (libzmq): "send term done"; ours: "send TERM HANGS".
Run: LD_PRELOAD=.../libzmq.so.5 python linger_set_after_connect.py send
"""
import threading, time, zmq, sys, socket
# client DEALER with one queued message, its peer never completes the handshake
mode = sys.argv[1]
ctx = zmq.Context()
lsock = socket.socket(); lsock.bind(("127.0.0.1", 0)); lsock.listen(5)
port = lsock.getsockname()[1]
client = ctx.socket(zmq.DEALER)
client.connect(f"tcp://127.0.0.1:{port}")
if mode == "send": client.send(b"x")
conn, _ = lsock.accept()
if mode == "close_peer": conn.close()
time.sleep(0.3)
client.close(0)
t0 = time.time()
th = threading.Thread(target=ctx.term, daemon=True); th.start(); th.join(5)
print(mode, "term done" if not th.is_alive() else "TERM HANGS", round(time.time()-t0, 2))
