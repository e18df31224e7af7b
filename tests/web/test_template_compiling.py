"""Chameleon compiles one template at a time (``web.templates.compile_one_at_a_time``):
Python 3.11's compiler fails a request when two threads build syntax trees at once."""

import secrets
import threading

import chameleon.astutil
from chameleon import PageTemplate

from shopcms.web.templates import compile_one_at_a_time


def test_two_threads_never_compile_templates_at_the_same_time(monkeypatch):
    compile_one_at_a_time()
    compile_one_at_a_time()  # a second application in the process: still one lock
    inside, overlaps = [0], []
    first_inside = threading.Event()
    parse = chameleon.astutil.parse

    def watched(*args, **kwargs):
        inside[0] += 1
        overlaps.append(inside[0])
        first_inside.set()
        threading.Event().wait(0.05)  # long enough for the other thread to try
        try:
            return parse(*args, **kwargs)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(chameleon.astutil, "parse", watched)
    # chameleon.codegen imported the function itself: watch it there too.
    monkeypatch.setattr(chameleon.codegen, "parse", watched, raising=False)

    fresh = secrets.token_hex(8)  # never compiled before, whatever Chameleon keeps

    def compile_one(n):
        PageTemplate(f"<p>${{{n} + len('{fresh}{'x' * n}')}}</p>")

    threads = [threading.Thread(target=compile_one, args=(n,)) for n in (101, 202, 303)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert first_inside.is_set()
    assert overlaps and max(overlaps) == 1
