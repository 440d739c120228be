"""kazoo Counter (versioned setData, retried on BadVersion): 4 clients x 20
concurrent increments add up and every increment saw a distinct value; float
and Curator-compatible (4-byte big-endian int) encodings."""
import struct

from recipeutil import Workers, clients, close_all
from zkconf import BASE, emit

N, M = 4, 20
path = BASE + "/count"

zks = clients(N, fast_retry=True)
try:
    r = {}
    main = zks[0]
    c0 = main.Counter(path)
    r["initial"] = c0.value
    posts = []

    def work(i):
        counter = zks[i].Counter(path)
        for _ in range(M):
            counter += 1
            posts.append((counter.pre_value, counter.post_value))
    workers = Workers()
    for i in range(N):
        workers.spawn(work, i)
    r["finished"] = workers.join(40)
    r["workerErrors"] = workers.errors
    r["final"] = c0.value
    data, st = main.get(path)
    r["data"] = data.decode()
    r["version"] = st.version
    r["mismatched"] = sum(1 for pre, post in posts if post != pre + 1)
    r["postValuesAreOneToNM"] = sorted(post for _, post in posts) == list(range(1, N * M + 1))

    c0 -= 5
    r["afterMinus5"] = [c0.pre_value, c0.post_value, c0.value]

    f = main.Counter(BASE + "/float", default=0.0)
    f += 1.5
    f += 1.5
    r["float"] = [f.value, main.get(BASE + "/float")[0].decode()]

    cur = main.Counter(BASE + "/curator", support_curator=True)
    cur += 7
    cur -= 2
    raw = main.get(BASE + "/curator")[0]
    r["curator"] = [cur.value, raw.hex(), struct.unpack(">i", raw)[0]]
    emit(r)
finally:
    close_all(zks)
