"""Repro (timing, not a correctness bug): 10 messages pushed back-to-back
over tcp inside one process. libzmq usually delivers them in one batch, so
ZMQ_EVENTS says POLLIN right after the 1st recv; ours sends the 1st alone.
Prints (us to 1st, us for the other 9, POLLIN right after the 1st).
"""
import zmq, time
ctx = zmq.Context()
ts = []
for i in range(20):
    push = ctx.socket(zmq.PUSH); pull = ctx.socket(zmq.PULL)
    push.linger = pull.linger = 0
    port = push.bind_to_random_port('tcp://127.0.0.1'); pull.connect(f'tcp://127.0.0.1:{port}')
    push.send(b"warm"); pull.recv()
    t0 = time.perf_counter()
    for j in range(10): push.send_string(str(j))
    pull.recv(); t1 = time.perf_counter(); imm = pull.EVENTS & zmq.POLLIN
    for j in range(9): pull.recv()
    t2 = time.perf_counter()
    ts.append((round((t1-t0)*1e6), round((t2-t1)*1e6), imm))
    push.close(); pull.close()
print("(us to 1st, us for other 9, POLLIN right after 1st):", ts[5:15])
