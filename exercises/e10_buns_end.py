"""Exercise 10 · 练习 10: close the bakery (Example 3-9, made to end).

Two bakers each bake three buns and put them on the counter (a queue); one customer eats
every bun. All six buns get eaten, but the program never ends: make it end, with every
bun eaten once and "the bakery closed" printed last.
两个面包师各做三个包子放上柜台（一个队列），一个顾客把包子都吃掉。六个包子都吃完了，程序却
一直不结束：让它结束——每个包子吃一次，最后打印 "the bakery closed"。
"""

import multiprocessing


def bake(baker, counter, count):
    for i in range(count):
        counter.put(f"{baker}-{i}")


def eat(counter):
    while True:
        bun = counter.get()
        print("ate", bun)


def main(count=3):
    counter = multiprocessing.Queue()
    bakers = [multiprocessing.Process(target=bake, args=(b, counter, count)) for b in "AB"]
    customer = multiprocessing.Process(target=eat, args=(counter,))
    for p in [*bakers, customer]:
        p.start()
    for p in [*bakers, customer]:
        p.join()
    print("the bakery closed")


if __name__ == "__main__":
    main()
