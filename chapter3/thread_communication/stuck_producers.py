"""Example 3-9's own run, with threads: Xiaoming eats 5 buns and leaves; the conveyor
fills up and the producers can put no more. As printed, they would wait forever; here a
producer that finds the conveyor full once the consumer has gone gives up."""

import queue
import threading
from gettext import gettext as _


def producer(name, belt, buns, gone, made):
    made[name] = 0
    for i in range(buns):
        while True:
            try:
                belt.put((name, i), timeout=0.1)
                break
            except queue.Full:  # full: is anybody still eating?
                if gone.is_set():
                    print(_("%s 被阻塞：传送带满了") % name)
                    return
        made[name] += 1
        print(_("生产者 %s 生产了包子 %s。") % (name, i))


def consumer(name, belt, eats, gone):
    for _i in range(eats):
        maker, i = belt.get(timeout=60)
        print(_("消费者%s吃 %s 包子 %s。") % (name, maker, i))
    print(_("%s吃饱了。") % name)
    gone.set()


def main(size=2, buns=5, eats=5):
    belt, gone, made = queue.Queue(size), threading.Event(), {}
    makers = [
        threading.Thread(target=producer, args=(n, belt, buns, gone, made))
        for n in ("Tom", "Jerry")
    ]
    eater = threading.Thread(target=consumer, args=(_("小明"), belt, eats, gone))
    for t in (*makers, eater):
        t.start()
    for t in (*makers, eater):
        t.join(timeout=60)
    return {"made": made, "left": belt.qsize()}


if __name__ == "__main__":
    main()
